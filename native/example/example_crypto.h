/* OpenSSL helpers of the example custom HSM: key generation, the small X.509 chain, PEM, the
   identity-key import format and HMAC. Every function returns 0 on success, non-zero on failure. */
#ifndef EXAMPLE_CRYPTO_H
#define EXAMPLE_CRYPTO_H

#include <stddef.h>
#include <openssl/evp.h>

#define EXAMPLE_MAX_IDENTITY_KEY 128

/* A fresh EC P-256 leaf key, a self-signed root and a leaf signed by it (CN = common_name), as PEM text:
   SEC1 "EC PRIVATE KEY" of the leaf, then the leaf certificate, then the root certificate. */
int example_make_x509_identity(const char* common_name_prefix, const char* fixed_common_name, char** pem_out);

/* Splits the identity PEM written by example_make_x509_identity into malloc'd strings. */
int example_split_x509_identity(const char* pem, char** key_pem, char** chain_pem, char** common_name);

/* Two fresh RSA-2048 keys as PKCS#8 PEM: the endorsement key then the storage root key. */
int example_make_tpm_keys(char** pem_out);

/* Loads both keys of example_make_tpm_keys. */
int example_load_tpm_keys(const char* pem, EVP_PKEY** endorsement, EVP_PKEY** storage_root);

/* The key's public area as a TPM would marshal it: TPM2B_PUBLIC with the EK template (is_endorsement) or the
   SRK template (specs/dps-tpm-attestation.md), malloc'd. */
int example_tpm2b_public(EVP_PKEY* key, int is_endorsement, unsigned char** out, size_t* out_len);

/* TPM2_ActivateCredential + TPM2_Import in software: opens a provisioning-service activation blob sealed to
   this endorsement key and storage root key (srk_public: its TPM2B_PUBLIC) and returns the identity HMAC key.
   Non-zero for a malformed blob, one sealed to another device, or one whose integrity checks fail. */
int example_activate(EVP_PKEY* endorsement, EVP_PKEY* storage_root, const unsigned char* srk_public, size_t srk_public_len,
                     const unsigned char* blob, size_t blob_len, unsigned char* key_out, size_t* key_len_out);

/* HMAC-SHA256 into a malloc'd 32-byte buffer. */
int example_hmac_sha256(const unsigned char* key, size_t key_len, const unsigned char* data, size_t data_len,
                        unsigned char** mac, size_t* mac_len);

/* Random bytes, base64 (no newlines) and lowercase hex of a SHA-256 prefix, as malloc'd strings. */
int example_random(unsigned char* out, size_t len);
char* example_base64(const unsigned char* data, size_t len);
int example_base64_decoded_length(const char* text, size_t* decoded_len);
char* example_hex_digest_prefix(const unsigned char* data, size_t len, size_t hex_chars);

#endif
