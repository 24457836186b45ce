/*
 * The custom-HSM ABI of the Azure IoT C SDK (provisioning_client/adapters/hsm_client_data.h),
 * written for provhsm from the ABI: same type names, same function signatures, same table field
 * order, so a library built against either header is binary compatible with the other.
 *
 * Contract shared by every function below:
 *   - HSM_CLIENT_HANDLE is an opaque pointer made by the table's create function and released by its
 *     destroy function; every other function takes it first.
 *   - Functions returning int return 0 on success and non-zero on failure.
 *   - Every buffer or string handed to the caller (char* returns, unsigned char** out-parameters) is
 *     allocated by the library with malloc; the caller releases it with free. Strings are NUL-terminated.
 *   - Nothing is thread-safe unless the library documents so.
 */
#ifndef HSM_CLIENT_DATA_H
#define HSM_CLIENT_DATA_H

#ifdef __cplusplus
#include <cstddef>
#include <cstdlib>
extern "C" {
#else
#include <stddef.h>
#include <stdlib.h>
#endif /* __cplusplus */

typedef void* HSM_CLIENT_HANDLE;

/* Common to every table: make and release a handle. */
typedef HSM_CLIENT_HANDLE (*HSM_CLIENT_CREATE)(void);
typedef void (*HSM_CLIENT_DESTROY)(HSM_CLIENT_HANDLE handle);

/* TPM: the service seals an identity key to the endorsement key; the device signs with it. */
typedef int (*HSM_CLIENT_ACTIVATE_IDENTITY_KEY)(HSM_CLIENT_HANDLE handle, const unsigned char* key, size_t key_len);
typedef int (*HSM_CLIENT_GET_ENDORSEMENT_KEY)(HSM_CLIENT_HANDLE handle, unsigned char** key, size_t* key_len);
typedef int (*HSM_CLIENT_GET_STORAGE_ROOT_KEY)(HSM_CLIENT_HANDLE handle, unsigned char** key, size_t* key_len);
typedef int (*HSM_CLIENT_SIGN_WITH_IDENTITY)(HSM_CLIENT_HANDLE handle, const unsigned char* data, size_t data_len,
                                             unsigned char** signed_value, size_t* signed_len);

/* X.509: PEM certificate chain, PEM private key, and the leaf's common name (the registration id). */
typedef char* (*HSM_CLIENT_GET_CERTIFICATE)(HSM_CLIENT_HANDLE handle);
typedef char* (*HSM_CLIENT_GET_ALIAS_KEY)(HSM_CLIENT_HANDLE handle);
typedef char* (*HSM_CLIENT_GET_COMMON_NAME)(HSM_CLIENT_HANDLE handle);

/* Symmetric key: base64 device key and registration id. */
typedef char* (*HSM_CLIENT_GET_SYMMETRICAL_KEY)(HSM_CLIENT_HANDLE handle);
typedef char* (*HSM_CLIENT_GET_REGISTRATION_NAME)(HSM_CLIENT_HANDLE handle);
typedef int (*HSM_CLIENT_SET_SYMMETRICAL_KEY_INFO)(HSM_CLIENT_HANDLE handle, const char* reg_name, const char* symm_key);

typedef struct HSM_CLIENT_TPM_INTERFACE_TAG
{
    HSM_CLIENT_CREATE hsm_client_tpm_create;
    HSM_CLIENT_DESTROY hsm_client_tpm_destroy;

    HSM_CLIENT_ACTIVATE_IDENTITY_KEY hsm_client_activate_identity_key;
    HSM_CLIENT_GET_ENDORSEMENT_KEY hsm_client_get_ek;
    HSM_CLIENT_GET_STORAGE_ROOT_KEY hsm_client_get_srk;
    HSM_CLIENT_SIGN_WITH_IDENTITY hsm_client_sign_with_identity;
} HSM_CLIENT_TPM_INTERFACE;

typedef struct HSM_CLIENT_X509_INTERFACE_TAG
{
    HSM_CLIENT_CREATE hsm_client_x509_create;
    HSM_CLIENT_DESTROY hsm_client_x509_destroy;

    HSM_CLIENT_GET_CERTIFICATE hsm_client_get_cert;
    HSM_CLIENT_GET_ALIAS_KEY hsm_client_get_key;
    HSM_CLIENT_GET_COMMON_NAME hsm_client_get_common_name;
} HSM_CLIENT_X509_INTERFACE;

typedef struct HSM_CLIENT_KEY_INTERFACE_TAG
{
    HSM_CLIENT_CREATE hsm_client_key_create;
    HSM_CLIENT_DESTROY hsm_client_key_destroy;

    HSM_CLIENT_GET_SYMMETRICAL_KEY hsm_client_get_symm_key;
    HSM_CLIENT_GET_REGISTRATION_NAME hsm_client_get_registration_name;
    HSM_CLIENT_SET_SYMMETRICAL_KEY_INFO hsm_client_set_symm_key_info;
} HSM_CLIENT_KEY_INTERFACE;

/* Entry points a custom-HSM library exports (the tables are static; the getters never fail). */
extern int hsm_client_x509_init(void);
extern void hsm_client_x509_deinit(void);
extern int hsm_client_tpm_init(void);
extern void hsm_client_tpm_deinit(void);

extern const HSM_CLIENT_TPM_INTERFACE* hsm_client_tpm_interface(void);
extern const HSM_CLIENT_X509_INTERFACE* hsm_client_x509_interface(void);
extern const HSM_CLIENT_KEY_INTERFACE* hsm_client_key_interface(void);

/* In the SDK these live in its own hsm_client_data.c and call the x509 then the TPM init (deinit: x509, TPM).
   A library may export them itself; provhsm then calls them instead of the per-interface ones. */
extern int initialize_hsm_system(void);
extern void deinitialize_hsm_system(void);

#ifdef __cplusplus
}
#endif /* __cplusplus */

#endif /* HSM_CLIENT_DATA_H */
