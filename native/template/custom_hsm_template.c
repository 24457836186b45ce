/*
 * custom_hsm_template.c: the file a secure-element vendor starts from.
 *
 * It implements the custom-HSM ABI of the Azure IoT C SDK (hsm_client_data.h). Built as a shared library it is
 * usable both by the C SDK (cmake -Dhsm_type_custom=ON -DCUSTOM_HSM_LIB=...) and by provhsm's `custom`
 * provider (-Dprovhsm.custom.library=/path/libcustom_hsm_template.so). Every function marked TODO returns the
 * documented failure until you wire it to your chip; the plumbing around it (handles, init counting, the
 * tables) is complete. Delete the interfaces you do not serve: provhsm serves exactly the tables you export.
 *
 * Rules every function follows (the SDK and provhsm rely on them):
 *   Ownership  Memory returned to the caller (char* results, unsigned char** out-parameters) is allocated with
 *              malloc and released by the caller with free: never return static storage or memory from another
 *              allocator. Strings are NUL-terminated. Inputs stay owned by the caller; copy what you keep.
 *   Errors     int functions return 0 on success, non-zero on failure; pointer functions return NULL. On
 *              failure, out-parameters are left NULL/0 and nothing persistent has changed.
 *   Threads    provhsm serialises the calls on one handle unless you declare the library thread-safe
 *              (provhsm.custom.thread-safe=true); init/deinit may be called from any thread, never concurrently
 *              with each other. The counters below are protected by a mutex for that reason.
 *   Secrets    Private keys and symmetric keys are secrets: wipe your copies (explicit_bzero) before freeing.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "hsm_client_data.h"

typedef struct TEMPLATE_HSM_TAG
{
    int reserved; /* TODO: the session state of your chip (a device handle, a slot, a key reference) */
} TEMPLATE_HSM;

static pthread_mutex_t init_lock = PTHREAD_MUTEX_INITIALIZER;
static int x509_users;
static int tpm_users;

/*
 * int hsm_client_x509_init(void) / int hsm_client_tpm_init(void)
 * Called once per user before any handle of that interface is created; may be called again by another user
 * (count the calls, as here). Open the chip, load or generate the identity. Returns 0, or non-zero if the
 * identity cannot be used (no handle will then be created). Must not replace an existing identity.
 */
int hsm_client_x509_init(void)
{
    pthread_mutex_lock(&init_lock);
    x509_users++; /* TODO: on the first user, open the chip and load the X.509 identity */
    pthread_mutex_unlock(&init_lock);
    return 0;
}

/* void hsm_client_x509_deinit(void) / hsm_client_tpm_deinit(void): one per successful init; the last one
   releases what init acquired. Never fails. */
void hsm_client_x509_deinit(void)
{
    pthread_mutex_lock(&init_lock);
    if (x509_users > 0)
    {
        x509_users--; /* TODO: on the last user, close the chip */
    }
    pthread_mutex_unlock(&init_lock);
}

int hsm_client_tpm_init(void)
{
    pthread_mutex_lock(&init_lock);
    tpm_users++; /* TODO: on the first user, open the chip; create the endorsement/storage keys if absent */
    pthread_mutex_unlock(&init_lock);
    return 0;
}

void hsm_client_tpm_deinit(void)
{
    pthread_mutex_lock(&init_lock);
    if (tpm_users > 0)
    {
        tpm_users--;
    }
    pthread_mutex_unlock(&init_lock);
}

/*
 * HSM_CLIENT_HANDLE create(void): a new session handle (one table entry per interface; this template shares one
 * implementation). Returns NULL on failure. The handle is passed to every other function of the table and
 * released by destroy exactly once.
 */
static HSM_CLIENT_HANDLE template_create(void)
{
    TEMPLATE_HSM* hsm = calloc(1, sizeof(*hsm));
    return hsm;
}

/* void destroy(HSM_CLIENT_HANDLE handle): releases the handle; NULL is ignored. Never fails. */
static void template_destroy(HSM_CLIENT_HANDLE handle)
{
    free(handle);
}

/* ------------------------------------------------------------------ X.509 */

/*
 * char* hsm_client_get_cert(handle): the certificate chain as concatenated PEM CERTIFICATE blocks, leaf first
 * (intermediates after it; the root is optional). malloc'd, caller frees. NULL on failure.
 */
static char* template_get_cert(HSM_CLIENT_HANDLE handle)
{
    (void)handle;
    return NULL; /* TODO: read the chain from the chip */
}

/*
 * char* hsm_client_get_key(handle): the leaf's private key as PEM ("PRIVATE KEY" PKCS#8, "EC PRIVATE KEY" SEC1 or
 * "RSA PRIVATE KEY" PKCS#1), malloc'd, caller wipes and frees. NULL on failure, and NULL when the key cannot
 * leave the chip (then the vendor's Java module signs through its own JCA provider instead).
 */
static char* template_get_key(HSM_CLIENT_HANDLE handle)
{
    (void)handle;
    return NULL; /* TODO */
}

/*
 * char* hsm_client_get_common_name(handle): the leaf certificate's CN (= the registration id). malloc'd.
 * At most 64 characters (X.520), so the bridge refuses a string with no NUL within 257 bytes.
 */
static char* template_get_common_name(HSM_CLIENT_HANDLE handle)
{
    (void)handle;
    return NULL; /* TODO */
}

/* ------------------------------------------------------------------ TPM */

/*
 * int hsm_client_activate_identity_key(handle, key, key_len): imports the identity key the provisioning
 * service sealed to the endorsement key (key_len bytes, caller-owned) and makes it the signing key. Replaces
 * the previous identity key only once the new one is in place. Returns 0, or non-zero for a malformed blob or
 * one sealed to another device (the previous key stays in force).
 */
static int template_activate_identity_key(HSM_CLIENT_HANDLE handle, const unsigned char* key, size_t key_len)
{
    (void)handle;
    (void)key;
    (void)key_len;
    return 1; /* TODO */
}

/*
 * int hsm_client_get_ek(handle, &key, &key_len) / hsm_client_get_srk(...): the public endorsement / storage root
 * key (a TPM returns its marshalled TPM2B_PUBLIC). *key is malloc'd, caller frees; *key_len its length, which
 * the TPM2B's 2-byte size field must count exactly (key_len = 2 + size; at most 606, an RSA-4096 key's).
 * Returns 0, or non-zero with *key untouched.
 */
static int template_get_ek(HSM_CLIENT_HANDLE handle, unsigned char** key, size_t* key_len)
{
    (void)handle;
    (void)key;
    (void)key_len;
    return 1; /* TODO */
}

static int template_get_srk(HSM_CLIENT_HANDLE handle, unsigned char** key, size_t* key_len)
{
    (void)handle;
    (void)key;
    (void)key_len;
    return 1; /* TODO */
}

/*
 * int hsm_client_sign_with_identity(handle, data, data_len, &signed_value, &signed_len): HMAC-SHA256 of data with
 * the activated identity key (exactly 32 bytes, malloc'd, caller frees). data may be empty. Non-zero if no key is
 * active.
 */
static int template_sign_with_identity(HSM_CLIENT_HANDLE handle, const unsigned char* data, size_t data_len,
                                       unsigned char** signed_value, size_t* signed_len)
{
    (void)handle;
    (void)data;
    (void)data_len;
    (void)signed_value;
    (void)signed_len;
    return 1; /* TODO */
}

/* ------------------------------------------------------------------ symmetric key */

/*
 * char* hsm_client_get_symm_key(handle): the device key (16 to 64 bytes, as the service accepts), base64.
 * malloc'd; the caller wipes and frees it.
 */
static char* template_get_symm_key(HSM_CLIENT_HANDLE handle)
{
    (void)handle;
    return NULL; /* TODO */
}

/* char* hsm_client_get_registration_name(handle): the registration id (at most 128 characters). malloc'd, caller frees. */
static char* template_get_registration_name(HSM_CLIENT_HANDLE handle)
{
    (void)handle;
    return NULL; /* TODO */
}

/*
 * int hsm_client_set_symm_key_info(handle, reg_name, symm_key): replaces the registration id and the base64
 * device key (both NUL-terminated, caller-owned; copy them). Returns 0, or non-zero with nothing changed.
 */
static int template_set_symm_key_info(HSM_CLIENT_HANDLE handle, const char* reg_name, const char* symm_key)
{
    (void)handle;
    (void)reg_name;
    (void)symm_key;
    return 1; /* TODO */
}

/* ------------------------------------------------------------------ tables: field order is the ABI */

static const HSM_CLIENT_X509_INTERFACE x509_interface = {
    template_create, template_destroy, template_get_cert, template_get_key, template_get_common_name
};

static const HSM_CLIENT_TPM_INTERFACE tpm_interface = {
    template_create, template_destroy, template_activate_identity_key, template_get_ek, template_get_srk,
    template_sign_with_identity
};

static const HSM_CLIENT_KEY_INTERFACE key_interface = {
    template_create, template_destroy, template_get_symm_key, template_get_registration_name,
    template_set_symm_key_info
};

/* The getters return static tables and never fail. */
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
