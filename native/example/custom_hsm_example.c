/*
 * A real example custom HSM for the Azure IoT C SDK ABI (hsm_client_data.h), backed by OpenSSL's libcrypto.
 * Identities are generated on first use and kept in owner-only files in $CUSTOM_HSM_EXAMPLE_DIR:
 *   x509-identity.pem   leaf EC P-256 key (SEC1), leaf certificate (CN = registration id), root certificate
 *   tpm-keys.pem        endorsement key and storage root key (RSA-2048 each), PKCS#8
 *   tpm-identity.key    the imported identity HMAC key (raw bytes), replaced by each activation
 *   symmetric-key.txt   registration id, newline, base64 device key
 * An identity file that exists but does not load is an error, never silently regenerated.
 * The TPM half is a TPM 2.0 in software: EK and SRK are reported as TPM2B_PUBLIC with the EK and SRK templates,
 * and activate_identity_key takes the provisioning service's activation blob (example_tpm.c).
 * All functions are thread-safe (one mutex).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "example_crypto.h"
#include "hsm_client_data.h"

#define EXAMPLE_DIR_ENV "CUSTOM_HSM_EXAMPLE_DIR"
#define EXAMPLE_NAME_ENV "CUSTOM_HSM_EXAMPLE_REGISTRATION_ID"
#define NAME_PREFIX "custom-hsm-example-"
#define MAX_FILE (64 * 1024)

enum { X509_MAGIC = 0x58353039u, TPM_MAGIC = 0x54504d32u, KEY_MAGIC = 0x53594d4bu };

typedef struct EXAMPLE_HANDLE_TAG
{
    uint32_t magic;
} EXAMPLE_HANDLE;

static pthread_mutex_t state_lock = PTHREAD_MUTEX_INITIALIZER;

static int x509_users;
static char* x509_key_pem;
static char* x509_chain_pem;
static char* x509_common_name;

static int tpm_users;
static EVP_PKEY* endorsement_key;
static EVP_PKEY* storage_root_key;
static unsigned char* endorsement_public; /* TPM2B_PUBLIC, EK template */
static size_t endorsement_public_len;
static unsigned char* storage_root_public; /* TPM2B_PUBLIC, SRK template */
static size_t storage_root_public_len;
static unsigned char identity_key[EXAMPLE_MAX_IDENTITY_KEY];
static size_t identity_key_len;

static int key_handles;
static char* symmetric_key;
static char* registration_name;

static void log_error(const char* what, const char* detail)
{
    (void)fprintf(stderr, "custom_hsm_example: %s%s%s\n", what, detail != NULL ? ": " : "", detail != NULL ? detail : "");
}

static char* copy_string(const char* text)
{
    char* copy = malloc(strlen(text) + 1);
    if (copy != NULL)
    {
        strcpy(copy, text);
    }
    return copy;
}

static void free_secret_string(char** text)
{
    if (*text != NULL)
    {
        OPENSSL_cleanse(*text, strlen(*text));
        free(*text);
        *text = NULL;
    }
}

/* $CUSTOM_HSM_EXAMPLE_DIR/name, created owner-only if absent; NULL (logged) if the variable is unset. */
static char* state_path(const char* name)
{
    const char* dir = getenv(EXAMPLE_DIR_ENV);
    if (dir == NULL || dir[0] == '\0')
    {
        log_error(EXAMPLE_DIR_ENV " is not set", "it names the directory the identities are kept in");
        return NULL;
    }
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
    {
        log_error("cannot create the state directory", strerror(errno));
        return NULL;
    }
    char* path = malloc(strlen(dir) + strlen(name) + 2);
    if (path != NULL)
    {
        sprintf(path, "%s/%s", dir, name);
    }
    return path;
}

/* 0: read (NUL-terminated), 2: absent, 1: error (logged). Refuses files others can read. */
static int read_state(const char* name, unsigned char** data, size_t* len)
{
    char* path = state_path(name);
    int result = 1;
    struct stat st;
    *data = NULL;
    if (path == NULL)
    {
        return 1; /* already logged */
    }
    int fd = open(path, O_RDONLY);
    if (fd < 0 && errno == ENOENT)
    {
        result = 2;
    }
    else if (fd < 0)
    {
        log_error("cannot open identity file", path);
    }
    else if (fstat(fd, &st) != 0 || st.st_size > MAX_FILE)
    {
        log_error("identity file is unreadable or too large", path);
    }
    else if ((st.st_mode & 077) != 0)
    {
        log_error("identity file is readable by others; refusing it (chmod 600)", path);
    }
    else if ((*data = malloc((size_t)st.st_size + 1)) != NULL)
    {
        ssize_t got = read(fd, *data, (size_t)st.st_size);
        if (got == st.st_size)
        {
            (*data)[got] = '\0';
            *len = (size_t)got;
            result = 0;
        }
        else
        {
            log_error("short read of identity file", path);
            free(*data);
            *data = NULL;
        }
    }
    if (fd >= 0)
    {
        close(fd);
    }
    free(path);
    return result;
}

/* Writes owner-only through a temporary file and rename, so a crash leaves the old or the new file whole. */
static int write_state(const char* name, const unsigned char* data, size_t len)
{
    char* path = state_path(name);
    char* temporary = path == NULL ? NULL : malloc(strlen(path) + 5);
    int result = 1;
    if (temporary != NULL)
    {
        sprintf(temporary, "%s.tmp", path);
        int fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd >= 0)
        {
            int ok = fchmod(fd, 0600) == 0 && write(fd, data, len) == (ssize_t)len && fsync(fd) == 0;
            ok = close(fd) == 0 && ok;
            if (ok && rename(temporary, path) == 0)
            {
                result = 0;
            }
            else
            {
                unlink(temporary);
            }
        }
        if (result != 0)
        {
            log_error("cannot write identity file", path);
        }
    }
    free(temporary);
    free(path);
    return result;
}

static void wipe_and_free(unsigned char* data, size_t len)
{
    if (data != NULL)
    {
        OPENSSL_cleanse(data, len);
        free(data);
    }
}

/* ---------------------------------------------------------------- X.509 */

int hsm_client_x509_init(void)
{
    int result = 0;
    pthread_mutex_lock(&state_lock);
    if (x509_users == 0)
    {
        unsigned char* pem = NULL;
        size_t len = 0;
        int loaded = read_state("x509-identity.pem", &pem, &len);
        if (loaded == 2)
        {
            char* made = NULL;
            loaded = example_make_x509_identity(NAME_PREFIX, getenv(EXAMPLE_NAME_ENV), &made) == 0
                && write_state("x509-identity.pem", (unsigned char*)made, strlen(made)) == 0 ? 0 : 1;
            if (loaded == 0)
            {
                pem = (unsigned char*)made;
                len = strlen(made);
            }
            else
            {
                log_error("cannot create the X.509 identity", NULL);
                free_secret_string(&made);
            }
        }
        if (loaded != 0 || example_split_x509_identity((char*)pem, &x509_key_pem, &x509_chain_pem, &x509_common_name) != 0)
        {
            log_error("cannot load the X.509 identity", "x509-identity.pem");
            result = 1;
        }
        wipe_and_free(pem, len);
    }
    if (result == 0)
    {
        x509_users++;
    }
    pthread_mutex_unlock(&state_lock);
    return result;
}

void hsm_client_x509_deinit(void)
{
    pthread_mutex_lock(&state_lock);
    if (x509_users > 0 && --x509_users == 0)
    {
        free_secret_string(&x509_key_pem);
        free(x509_chain_pem);
        free(x509_common_name);
        x509_chain_pem = x509_common_name = NULL;
    }
    pthread_mutex_unlock(&state_lock);
}

static HSM_CLIENT_HANDLE create_handle(uint32_t magic, const int* users, const char* what)
{
    EXAMPLE_HANDLE* handle = NULL;
    pthread_mutex_lock(&state_lock);
    if (*users == 0)
    {
        log_error(what, "called before its init");
    }
    else if ((handle = malloc(sizeof(*handle))) != NULL)
    {
        handle->magic = magic;
    }
    pthread_mutex_unlock(&state_lock);
    return handle;
}

static void destroy_handle(HSM_CLIENT_HANDLE handle, uint32_t magic)
{
    EXAMPLE_HANDLE* h = handle;
    if (h != NULL && h->magic == magic)
    {
        h->magic = 0;
        free(h);
    }
}

static int valid(HSM_CLIENT_HANDLE handle, uint32_t magic, const char* what)
{
    if (handle == NULL || ((EXAMPLE_HANDLE*)handle)->magic != magic)
    {
        log_error(what, "invalid handle");
        return 0;
    }
    return 1;
}

static HSM_CLIENT_HANDLE example_x509_create(void)
{
    return create_handle(X509_MAGIC, &x509_users, "hsm_client_x509_create");
}

static void example_x509_destroy(HSM_CLIENT_HANDLE handle)
{
    destroy_handle(handle, X509_MAGIC);
}

static char* copy_x509_field(HSM_CLIENT_HANDLE handle, char** field, const char* what)
{
    char* result = NULL;
    if (valid(handle, X509_MAGIC, what))
    {
        pthread_mutex_lock(&state_lock);
        if (*field != NULL)
        {
            result = copy_string(*field);
        }
        else
        {
            log_error(what, "the X.509 identity is not loaded (deinit called?)");
        }
        pthread_mutex_unlock(&state_lock);
    }
    return result;
}

static char* example_get_cert(HSM_CLIENT_HANDLE handle)
{
    return copy_x509_field(handle, &x509_chain_pem, "hsm_client_get_cert");
}

static char* example_get_key(HSM_CLIENT_HANDLE handle)
{
    return copy_x509_field(handle, &x509_key_pem, "hsm_client_get_key");
}

static char* example_get_common_name(HSM_CLIENT_HANDLE handle)
{
    return copy_x509_field(handle, &x509_common_name, "hsm_client_get_common_name");
}

/* ---------------------------------------------------------------- TPM-style */

static void release_tpm_keys(void)
{
    EVP_PKEY_free(endorsement_key);
    EVP_PKEY_free(storage_root_key);
    endorsement_key = storage_root_key = NULL;
    free(endorsement_public);
    free(storage_root_public);
    endorsement_public = storage_root_public = NULL;
    endorsement_public_len = storage_root_public_len = 0;
}

int hsm_client_tpm_init(void)
{
    int result = 0;
    pthread_mutex_lock(&state_lock);
    if (tpm_users == 0)
    {
        unsigned char* pem = NULL;
        size_t len = 0;
        int loaded = read_state("tpm-keys.pem", &pem, &len);
        if (loaded == 2)
        {
            char* made = NULL;
            loaded = example_make_tpm_keys(&made) == 0
                && write_state("tpm-keys.pem", (unsigned char*)made, strlen(made)) == 0 ? 0 : 1;
            if (loaded == 0)
            {
                pem = (unsigned char*)made;
                len = strlen(made);
            }
            else
            {
                free_secret_string(&made);
            }
        }
        if (loaded != 0 || example_load_tpm_keys((char*)pem, &endorsement_key, &storage_root_key) != 0
            || example_tpm2b_public(endorsement_key, 1, &endorsement_public, &endorsement_public_len) != 0
            || example_tpm2b_public(storage_root_key, 0, &storage_root_public, &storage_root_public_len) != 0)
        {
            log_error("cannot load the TPM-style keys", "tpm-keys.pem");
            result = 1;
        }
        wipe_and_free(pem, len);

        unsigned char* identity = NULL;
        size_t identity_len = 0;
        loaded = result == 0 ? read_state("tpm-identity.key", &identity, &identity_len) : 2;
        if (loaded == 0 && identity_len > 0 && identity_len <= EXAMPLE_MAX_IDENTITY_KEY)
        {
            memcpy(identity_key, identity, identity_len);
            identity_key_len = identity_len;
        }
        else if (loaded != 2)
        {
            log_error("cannot load the identity key", "tpm-identity.key");
            result = 1;
        }
        wipe_and_free(identity, identity_len);
        if (result != 0)
        {
            release_tpm_keys();
        }
    }
    if (result == 0)
    {
        tpm_users++;
    }
    pthread_mutex_unlock(&state_lock);
    return result;
}

void hsm_client_tpm_deinit(void)
{
    pthread_mutex_lock(&state_lock);
    if (tpm_users > 0 && --tpm_users == 0)
    {
        release_tpm_keys();
        OPENSSL_cleanse(identity_key, sizeof(identity_key));
        identity_key_len = 0;
    }
    pthread_mutex_unlock(&state_lock);
}

static HSM_CLIENT_HANDLE example_tpm_create(void)
{
    return create_handle(TPM_MAGIC, &tpm_users, "hsm_client_tpm_create");
}

static void example_tpm_destroy(HSM_CLIENT_HANDLE handle)
{
    destroy_handle(handle, TPM_MAGIC);
}

static int export_public(HSM_CLIENT_HANDLE handle, unsigned char** public_area, size_t* public_len, unsigned char** out,
                         size_t* out_len, const char* what)
{
    int result = 1;
    if (valid(handle, TPM_MAGIC, what) && out != NULL && out_len != NULL)
    {
        pthread_mutex_lock(&state_lock);
        if (*public_area != NULL && (*out = malloc(*public_len)) != NULL)
        {
            memcpy(*out, *public_area, *public_len);
            *out_len = *public_len;
            result = 0;
        }
        pthread_mutex_unlock(&state_lock);
    }
    return result;
}

static int example_get_ek(HSM_CLIENT_HANDLE handle, unsigned char** key, size_t* key_len)
{
    return export_public(handle, &endorsement_public, &endorsement_public_len, key, key_len, "hsm_client_get_ek");
}

static int example_get_srk(HSM_CLIENT_HANDLE handle, unsigned char** key, size_t* key_len)
{
    return export_public(handle, &storage_root_public, &storage_root_public_len, key, key_len, "hsm_client_get_srk");
}

static int example_activate_identity_key(HSM_CLIENT_HANDLE handle, const unsigned char* key, size_t key_len)
{
    int result = 1;
    if (valid(handle, TPM_MAGIC, "hsm_client_activate_identity_key") && key != NULL)
    {
        unsigned char opened[EXAMPLE_MAX_IDENTITY_KEY];
        size_t opened_len = 0;
        pthread_mutex_lock(&state_lock);
        if (endorsement_key == NULL
            || example_activate(endorsement_key, storage_root_key, storage_root_public, storage_root_public_len, key, key_len,
                                opened, &opened_len) != 0)
        {
            log_error("hsm_client_activate_identity_key", "the blob is malformed or not sealed to this TPM's EK and SRK");
        }
        /* persist first: the previous identity stays in force if the write fails */
        else if (write_state("tpm-identity.key", opened, opened_len) == 0)
        {
            OPENSSL_cleanse(identity_key, sizeof(identity_key));
            memcpy(identity_key, opened, opened_len);
            identity_key_len = opened_len;
            result = 0;
        }
        pthread_mutex_unlock(&state_lock);
        OPENSSL_cleanse(opened, sizeof(opened));
    }
    return result;
}

static int example_sign_with_identity(HSM_CLIENT_HANDLE handle, const unsigned char* data, size_t data_len,
                                      unsigned char** signed_value, size_t* signed_len)
{
    int result = 1;
    if (valid(handle, TPM_MAGIC, "hsm_client_sign_with_identity") && (data != NULL || data_len == 0)
        && signed_value != NULL && signed_len != NULL)
    {
        pthread_mutex_lock(&state_lock);
        if (identity_key_len == 0)
        {
            log_error("hsm_client_sign_with_identity", "no identity key has been activated");
        }
        else
        {
            result = example_hmac_sha256(identity_key, identity_key_len, data, data_len, signed_value, signed_len);
        }
        pthread_mutex_unlock(&state_lock);
    }
    return result;
}

/* ---------------------------------------------------------------- symmetric key */

static int parse_symmetric_file(char* text)
{
    char* newline = strchr(text, '\n');
    size_t decoded = 0;
    if (newline == NULL)
    {
        return 1;
    }
    *newline = '\0';
    char* key = newline + 1;
    char* end = strchr(key, '\n');
    if (end != NULL)
    {
        *end = '\0';
    }
    if (text[0] == '\0' || example_base64_decoded_length(key, &decoded) != 0
        || (registration_name = copy_string(text)) == NULL || (symmetric_key = copy_string(key)) == NULL)
    {
        free(registration_name);
        registration_name = NULL;
        return 1;
    }
    return 0;
}

static int store_symmetric(const char* reg_name, const char* key)
{
    size_t len = strlen(reg_name) + strlen(key) + 2;
    char* text = malloc(len + 1);
    int result = 1;
    if (text != NULL)
    {
        sprintf(text, "%s\n%s\n", reg_name, key);
        result = write_state("symmetric-key.txt", (unsigned char*)text, len);
        free_secret_string(&text);
    }
    return result;
}

/* First use: a random 32-byte key and a registration id derived from it. Called with the lock held. */
static int load_symmetric(void)
{
    unsigned char* text = NULL;
    size_t len = 0;
    int loaded = read_state("symmetric-key.txt", &text, &len);
    int result = 1;
    if (loaded == 0)
    {
        result = parse_symmetric_file((char*)text);
    }
    else if (loaded == 2)
    {
        unsigned char key[32];
        char* name = NULL;
        const char* fixed = getenv(EXAMPLE_NAME_ENV);
        if (example_random(key, sizeof(key)) == 0 && (symmetric_key = example_base64(key, sizeof(key))) != NULL)
        {
            char* suffix = fixed != NULL ? NULL : example_hex_digest_prefix(key, sizeof(key), 16);
            if (fixed != NULL)
            {
                name = copy_string(fixed);
            }
            else if (suffix != NULL && (name = malloc(strlen(NAME_PREFIX) + strlen(suffix) + 1)) != NULL)
            {
                sprintf(name, "%s%s", NAME_PREFIX, suffix);
            }
            free(suffix);
        }
        OPENSSL_cleanse(key, sizeof(key));
        if (name != NULL && store_symmetric(name, symmetric_key) == 0)
        {
            registration_name = name;
            result = 0;
        }
        else
        {
            free(name);
            free_secret_string(&symmetric_key);
        }
    }
    if (result != 0)
    {
        log_error("cannot load the symmetric-key identity", "symmetric-key.txt");
    }
    wipe_and_free(text, len);
    return result;
}

static HSM_CLIENT_HANDLE example_key_create(void)
{
    EXAMPLE_HANDLE* handle = NULL;
    pthread_mutex_lock(&state_lock);
    if ((key_handles > 0 || load_symmetric() == 0) && (handle = malloc(sizeof(*handle))) != NULL)
    {
        handle->magic = KEY_MAGIC;
        key_handles++;
    }
    else if (key_handles == 0)
    {
        free_secret_string(&symmetric_key);
        free(registration_name);
        registration_name = NULL;
    }
    pthread_mutex_unlock(&state_lock);
    return handle;
}

static void example_key_destroy(HSM_CLIENT_HANDLE handle)
{
    if (handle != NULL && ((EXAMPLE_HANDLE*)handle)->magic == KEY_MAGIC)
    {
        destroy_handle(handle, KEY_MAGIC);
        pthread_mutex_lock(&state_lock);
        if (--key_handles == 0)
        {
            free_secret_string(&symmetric_key);
            free(registration_name);
            registration_name = NULL;
        }
        pthread_mutex_unlock(&state_lock);
    }
}

static char* copy_key_field(HSM_CLIENT_HANDLE handle, char** field, const char* what)
{
    char* result = NULL;
    if (valid(handle, KEY_MAGIC, what))
    {
        pthread_mutex_lock(&state_lock);
        result = *field != NULL ? copy_string(*field) : NULL;
        pthread_mutex_unlock(&state_lock);
    }
    return result;
}

static char* example_get_symm_key(HSM_CLIENT_HANDLE handle)
{
    return copy_key_field(handle, &symmetric_key, "hsm_client_get_symm_key");
}

static char* example_get_registration_name(HSM_CLIENT_HANDLE handle)
{
    return copy_key_field(handle, &registration_name, "hsm_client_get_registration_name");
}

static int example_set_symm_key_info(HSM_CLIENT_HANDLE handle, const char* reg_name, const char* symm_key)
{
    int result = 1;
    size_t decoded = 0;
    if (!valid(handle, KEY_MAGIC, "hsm_client_set_symm_key_info"))
    {
        return 1;
    }
    if (reg_name == NULL || reg_name[0] == '\0' || strchr(reg_name, '\n') != NULL || strlen(reg_name) > 128
        || symm_key == NULL || example_base64_decoded_length(symm_key, &decoded) != 0)
    {
        log_error("hsm_client_set_symm_key_info", "empty or malformed registration name or base64 key");
        return 1;
    }
    char* new_name = copy_string(reg_name);
    char* new_key = copy_string(symm_key);
    pthread_mutex_lock(&state_lock);
    /* persist first: on failure the previous key info stays in force */
    if (new_name != NULL && new_key != NULL && store_symmetric(new_name, new_key) == 0)
    {
        free(registration_name);
        free_secret_string(&symmetric_key);
        registration_name = new_name;
        symmetric_key = new_key;
        new_name = new_key = NULL;
        result = 0;
    }
    pthread_mutex_unlock(&state_lock);
    free(new_name);
    free_secret_string(&new_key);
    return result;
}

/* ---------------------------------------------------------------- tables */

static const HSM_CLIENT_X509_INTERFACE x509_interface = {
    example_x509_create, example_x509_destroy, example_get_cert, example_get_key, example_get_common_name
};

static const HSM_CLIENT_TPM_INTERFACE tpm_interface = {
    example_tpm_create, example_tpm_destroy, example_activate_identity_key, example_get_ek, example_get_srk,
    example_sign_with_identity
};

static const HSM_CLIENT_KEY_INTERFACE key_interface = {
    example_key_create, example_key_destroy, example_get_symm_key, example_get_registration_name,
    example_set_symm_key_info
};

const HSM_CLIENT_X509_INTERFACE* hsm_client_x509_interface(void)
{
    return &x509_interface;
}

const HSM_CLIENT_TPM_INTERFACE* hsm_client_tpm_interface(void)
{
    return &tpm_interface;
}

const HSM_CLIENT_KEY_INTERFACE* hsm_client_key_interface(void)
{
    return &key_interface;
}
