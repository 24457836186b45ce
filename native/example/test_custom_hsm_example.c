/*
 * C test driver over the example custom HSM, run by ctest under valgrind (no leak, no invalid access).
 * Drives every function the way the C SDK does and checks the results with OpenSSL independently:
 * the chain verifies and its key matches the leaf, an import blob sealed here opens there and signs like
 * HMAC-SHA256 in software, malformed blobs change nothing, identities persist across deinit/init.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "hsm_client_data.h"

/* The tables are arrays of function pointers in ABI order: the Java bridge reads field i at i * sizeof(void*). */
#include <stddef.h>
_Static_assert(sizeof(HSM_CLIENT_TPM_INTERFACE) == 6 * sizeof(void*), "TPM table size");
_Static_assert(offsetof(HSM_CLIENT_TPM_INTERFACE, hsm_client_sign_with_identity) == 5 * sizeof(void*), "TPM table order");
_Static_assert(offsetof(HSM_CLIENT_TPM_INTERFACE, hsm_client_activate_identity_key) == 2 * sizeof(void*), "TPM table order");
_Static_assert(sizeof(HSM_CLIENT_X509_INTERFACE) == 5 * sizeof(void*), "X.509 table size");
_Static_assert(offsetof(HSM_CLIENT_X509_INTERFACE, hsm_client_get_common_name) == 4 * sizeof(void*), "X.509 table order");
_Static_assert(sizeof(HSM_CLIENT_KEY_INTERFACE) == 5 * sizeof(void*), "key table size");
_Static_assert(offsetof(HSM_CLIENT_KEY_INTERFACE, hsm_client_set_symm_key_info) == 4 * sizeof(void*), "key table order");

static int failures;

#define CHECK(condition) check((condition), #condition, __LINE__)

static void check(int ok, const char* what, int line)
{
    if (!ok)
    {
        (void)fprintf(stderr, "FAIL line %d: %s\n", line, what);
        failures++;
    }
}

static char state_dir[256];

static int file_is_owner_only(const char* name)
{
    char path[512];
    struct stat st;
    snprintf(path, sizeof(path), "%s/%s", state_dir, name);
    return stat(path, &st) == 0 && (st.st_mode & 077) == 0;
}

static void test_x509(char** common_name_out)
{
    const HSM_CLIENT_X509_INTERFACE* x509 = hsm_client_x509_interface();
    CHECK(hsm_client_x509_init() == 0);
    HSM_CLIENT_HANDLE handle = x509->hsm_client_x509_create();
    CHECK(handle != NULL);
    char* chain = x509->hsm_client_get_cert(handle);
    char* key_pem = x509->hsm_client_get_key(handle);
    char* common_name = x509->hsm_client_get_common_name(handle);
    CHECK(chain != NULL && key_pem != NULL && common_name != NULL);
    CHECK(strncmp(key_pem, "-----BEGIN EC PRIVATE KEY-----", 30) == 0);
    CHECK(file_is_owner_only("x509-identity.pem"));

    BIO* chain_bio = BIO_new_mem_buf(chain, -1);
    X509* leaf = PEM_read_bio_X509(chain_bio, NULL, NULL, NULL);
    X509* root = PEM_read_bio_X509(chain_bio, NULL, NULL, NULL);
    BIO* key_bio = BIO_new_mem_buf(key_pem, -1);
    EVP_PKEY* key = PEM_read_bio_PrivateKey(key_bio, NULL, NULL, NULL);
    CHECK(leaf != NULL && root != NULL && key != NULL);
    if (leaf != NULL && root != NULL && key != NULL)
    {
        EVP_PKEY* root_public = X509_get0_pubkey(root);
        CHECK(X509_verify(leaf, root_public) == 1);
        CHECK(X509_verify(root, root_public) == 1);
        CHECK(X509_check_private_key(leaf, key) == 1);
        char name[256];
        CHECK(X509_NAME_get_text_by_NID(X509_get_subject_name(leaf), NID_commonName, name, sizeof(name)) > 0);
        CHECK(strcmp(name, common_name) == 0);
    }
    X509_free(leaf);
    X509_free(root);
    EVP_PKEY_free(key);
    BIO_free(chain_bio);
    BIO_free(key_bio);
    free(chain);
    free(key_pem);
    x509->hsm_client_x509_destroy(handle);
    hsm_client_x509_deinit();
    CHECK(x509->hsm_client_get_cert(NULL) == NULL);
    *common_name_out = common_name;
}

/* the service side, from libexample_service (example_service.c) */
int example_service_seal(const unsigned char* ek, size_t ek_len, const unsigned char* srk, size_t srk_len,
                         const unsigned char* hmac_key, size_t hmac_key_len, unsigned char** blob, size_t* blob_len);

static int sign_equals_hmac(const HSM_CLIENT_TPM_INTERFACE* tpm, HSM_CLIENT_HANDLE handle, const unsigned char* secret,
                            size_t secret_len, const char* message)
{
    unsigned char* signature = NULL;
    size_t signature_len = 0;
    unsigned char expected[32];
    unsigned int expected_len = 0;
    int rc = tpm->hsm_client_sign_with_identity(handle, (const unsigned char*)message, strlen(message), &signature, &signature_len);
    HMAC(EVP_sha256(), secret, (int)secret_len, (const unsigned char*)message, strlen(message), expected, &expected_len);
    int equal = rc == 0 && signature_len == 32 && memcmp(signature, expected, 32) == 0;
    free(signature);
    return equal;
}

static void test_tpm(void)
{
    const HSM_CLIENT_TPM_INTERFACE* tpm = hsm_client_tpm_interface();
    CHECK(hsm_client_tpm_init() == 0);
    HSM_CLIENT_HANDLE handle = tpm->hsm_client_tpm_create();
    CHECK(handle != NULL);
    unsigned char* ek = NULL;
    size_t ek_len = 0;
    unsigned char* srk = NULL;
    size_t srk_len = 0;
    /* TPM2B_PUBLIC with the EK and SRK templates (specs/dps-tpm-attestation.md) */
    static const unsigned char ek_start[] = {0x01, 0x3a, 0x00, 0x01, 0x00, 0x0b, 0x00, 0x03, 0x00, 0xb2, 0x00, 0x20, 0x83, 0x71, 0x97};
    static const unsigned char srk_start[] = {0x01, 0x1a, 0x00, 0x01, 0x00, 0x0b, 0x00, 0x03, 0x04, 0x72};
    CHECK(tpm->hsm_client_get_ek(handle, &ek, &ek_len) == 0 && ek_len == 316 && memcmp(ek, ek_start, sizeof(ek_start)) == 0);
    CHECK(tpm->hsm_client_get_srk(handle, &srk, &srk_len) == 0 && srk_len == 284 && memcmp(srk, srk_start, sizeof(srk_start)) == 0);
    CHECK(file_is_owner_only("tpm-keys.pem"));

    unsigned char* signature = NULL;
    size_t signature_len = 0;
    CHECK(tpm->hsm_client_sign_with_identity(handle, (const unsigned char*)"x", 1, &signature, &signature_len) != 0);
    CHECK(signature == NULL);

    unsigned char secret[40];
    RAND_bytes(secret, sizeof(secret));
    size_t blob_len = 0;
    unsigned char* blob = NULL;
    CHECK(example_service_seal(ek, ek_len, srk, srk_len, secret, sizeof(secret), &blob, &blob_len) == 0);
    if (blob != NULL)
    {
        CHECK(tpm->hsm_client_activate_identity_key(handle, blob, blob_len - 1) != 0); /* truncated */
        blob[blob_len - 1] ^= 1;                                                     /* tampered tag */
        CHECK(tpm->hsm_client_activate_identity_key(handle, blob, blob_len) != 0);
        blob[blob_len - 1] ^= 1;
        CHECK(tpm->hsm_client_activate_identity_key(handle, blob, blob_len) == 0);
        CHECK(file_is_owner_only("tpm-identity.key"));
        CHECK(sign_equals_hmac(tpm, handle, secret, sizeof(secret), "provisioning challenge"));
        CHECK(sign_equals_hmac(tpm, handle, secret, sizeof(secret), ""));
        /* a bad blob later leaves the active key in force */
        for (size_t at = 0; at < blob_len; at += 101) /* any flipped bit anywhere is refused */
        {
            blob[at] ^= 0x10;
            CHECK(tpm->hsm_client_activate_identity_key(handle, blob, blob_len) != 0);
            blob[at] ^= 0x10;
        }
        CHECK(sign_equals_hmac(tpm, handle, secret, sizeof(secret), "still the same key"));
        free(blob);
    }
    tpm->hsm_client_tpm_destroy(handle);
    hsm_client_tpm_deinit();

    /* persisted: the same endorsement key and identity key after a fresh init */
    CHECK(hsm_client_tpm_init() == 0);
    handle = tpm->hsm_client_tpm_create();
    unsigned char* ek_again = NULL;
    size_t ek_again_len = 0;
    CHECK(tpm->hsm_client_get_ek(handle, &ek_again, &ek_again_len) == 0);
    CHECK(ek_again_len == ek_len && memcmp(ek, ek_again, ek_len) == 0);
    CHECK(sign_equals_hmac(tpm, handle, secret, sizeof(secret), "after restart"));
    tpm->hsm_client_tpm_destroy(handle);
    hsm_client_tpm_deinit();
    CHECK(tpm->hsm_client_tpm_create() == NULL); /* not initialised */
    free(ek);
    free(ek_again);
    free(srk);
}

static void test_symmetric_key(void)
{
    const HSM_CLIENT_KEY_INTERFACE* keys = hsm_client_key_interface();
    HSM_CLIENT_HANDLE handle = keys->hsm_client_key_create();
    CHECK(handle != NULL);
    char* name = keys->hsm_client_get_registration_name(handle);
    char* key = keys->hsm_client_get_symm_key(handle);
    CHECK(name != NULL && strncmp(name, "custom-hsm-example-", 19) == 0);
    CHECK(key != NULL && strlen(key) == 44);
    CHECK(keys->hsm_client_set_symm_key_info(handle, "device-7", "not base64!") != 0);
    CHECK(keys->hsm_client_set_symm_key_info(handle, "device-7", "c2VjcmV0LWtleQ==") == 0);
    char* name2 = keys->hsm_client_get_registration_name(handle);
    char* key2 = keys->hsm_client_get_symm_key(handle);
    CHECK(name2 != NULL && strcmp(name2, "device-7") == 0);
    CHECK(key2 != NULL && strcmp(key2, "c2VjcmV0LWtleQ==") == 0);
    CHECK(file_is_owner_only("symmetric-key.txt"));
    keys->hsm_client_key_destroy(handle);
    handle = keys->hsm_client_key_create();
    char* name3 = keys->hsm_client_get_registration_name(handle);
    CHECK(name3 != NULL && strcmp(name3, "device-7") == 0);
    keys->hsm_client_key_destroy(handle);
    free(name);
    free(key);
    free(name2);
    free(key2);
    free(name3);
}

int main(void)
{
    snprintf(state_dir, sizeof(state_dir), "/tmp/custom-hsm-example-test-XXXXXX");
    if (mkdtemp(state_dir) == NULL)
    {
        perror("mkdtemp");
        return 2;
    }
    setenv("CUSTOM_HSM_EXAMPLE_DIR", state_dir, 1);

    char* first_name = NULL;
    char* second_name = NULL;
    test_x509(&first_name);
    test_x509(&second_name);
    CHECK(first_name != NULL && second_name != NULL && strcmp(first_name, second_name) == 0);
    free(first_name);
    free(second_name);
    test_tpm();
    test_symmetric_key();

    const char* files[] = {"x509-identity.pem", "tpm-keys.pem", "tpm-identity.key", "symmetric-key.txt"};
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
    {
        char path[512];
        snprintf(path, sizeof(path), "%s/%s", state_dir, files[i]);
        unlink(path);
    }
    rmdir(state_dir);
    if (failures != 0)
    {
        (void)fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    (void)printf("custom HSM example: all checks passed\n");
    return 0;
}
