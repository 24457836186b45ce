#include "example_crypto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

static char* bio_to_string(BIO* bio)
{
    char* data = NULL;
    long len = BIO_get_mem_data(bio, &data);
    char* copy = NULL;
    if (len >= 0 && (copy = malloc((size_t)len + 1)) != NULL)
    {
        memcpy(copy, data, (size_t)len);
        copy[len] = '\0';
    }
    return copy;
}

/* Frees a memory BIO that held private keys, wiping its buffer first. NULL is allowed. */
static void free_secret_bio(BIO* bio)
{
    if (bio != NULL)
    {
        char* data = NULL;
        long len = BIO_get_mem_data(bio, &data);
        if (len > 0)
        {
            OPENSSL_cleanse(data, (size_t)len);
        }
    }
    BIO_free(bio);
}

static char* strdup_checked(const char* text)
{
    size_t len = strlen(text);
    char* copy = malloc(len + 1);
    if (copy != NULL)
    {
        memcpy(copy, text, len + 1);
    }
    return copy;
}

int example_random(unsigned char* out, size_t len)
{
    return RAND_bytes(out, (int)len) == 1 ? 0 : 1;
}

char* example_hex_digest_prefix(const unsigned char* data, size_t len, size_t hex_chars)
{
    unsigned char digest[32];
    static const char hex[] = "0123456789abcdef";
    if (hex_chars > 64 || EVP_Digest(data, len, digest, NULL, EVP_sha256(), NULL) != 1)
    {
        return NULL;
    }
    char* out = malloc(hex_chars + 1);
    if (out != NULL)
    {
        for (size_t i = 0; i < hex_chars; i++)
        {
            out[i] = hex[(digest[i / 2] >> ((i % 2) ? 0 : 4)) & 0xf];
        }
        out[hex_chars] = '\0';
    }
    return out;
}

char* example_base64(const unsigned char* data, size_t len)
{
    size_t out_len = 4 * ((len + 2) / 3);
    char* out = malloc(out_len + 1);
    if (out != NULL && EVP_EncodeBlock((unsigned char*)out, data, (int)len) != (int)out_len)
    {
        free(out);
        out = NULL;
    }
    return out;
}

int example_base64_decoded_length(const char* text, size_t* decoded_len)
{
    size_t len = strlen(text);
    if (len == 0 || len % 4 != 0 || len > 4096)
    {
        return 1;
    }
    for (size_t i = 0; i < len; i++)
    {
        char c = text[i];
        int padding = c == '=' && i >= len - 2 && (i == len - 1 || text[len - 1] == '=');
        if (!(padding || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/'))
        {
            return 1;
        }
    }
    size_t pad = (text[len - 1] == '=') + (text[len - 2] == '=');
    *decoded_len = len / 4 * 3 - pad;
    return *decoded_len == 0;
}

static int add_extension(X509* cert, X509* issuer, int nid, const char* value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    int result = ext != NULL && X509_add_ext(cert, ext, -1) == 1 ? 0 : 1;
    X509_EXTENSION_free(ext);
    return result;
}

/* One certificate for subject_key, signed by signer_key (issuer NULL: self-signed). */
static X509* make_certificate(const char* common_name, EVP_PKEY* subject_key, X509* issuer, EVP_PKEY* signer_key, int is_ca)
{
    X509* cert = X509_new();
    unsigned char serial[16];
    BIGNUM* serial_bn = NULL;
    int ok = cert != NULL && example_random(serial, sizeof(serial)) == 0;
    if (ok)
    {
        serial[0] &= 0x7f; /* positive */
        serial_bn = BN_bin2bn(serial, sizeof(serial), NULL);
        ok = serial_bn != NULL && BN_to_ASN1_INTEGER(serial_bn, X509_get_serialNumber(cert)) != NULL
            && X509_set_version(cert, 2) == 1
            && X509_gmtime_adj(X509_getm_notBefore(cert), -3600) != NULL
            && X509_gmtime_adj(X509_getm_notAfter(cert), 10L * 365 * 24 * 3600) != NULL
            && X509_set_pubkey(cert, subject_key) == 1;
    }
    if (ok)
    {
        X509_NAME* name = X509_get_subject_name(cert);
        ok = X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char*)common_name, -1, -1, 0) == 1
            && X509_set_issuer_name(cert, issuer != NULL ? X509_get_subject_name(issuer) : name) == 1;
    }
    X509* issuer_or_self = issuer != NULL ? issuer : cert;
    if (ok && is_ca)
    {
        ok = add_extension(cert, issuer_or_self, NID_basic_constraints, "critical,CA:TRUE") == 0
            && add_extension(cert, issuer_or_self, NID_key_usage, "critical,keyCertSign,cRLSign") == 0
            && add_extension(cert, issuer_or_self, NID_subject_key_identifier, "hash") == 0;
    }
    else if (ok)
    {
        ok = add_extension(cert, issuer_or_self, NID_basic_constraints, "critical,CA:FALSE") == 0
            && add_extension(cert, issuer_or_self, NID_key_usage, "critical,digitalSignature") == 0
            && add_extension(cert, issuer_or_self, NID_ext_key_usage, "clientAuth") == 0
            && add_extension(cert, issuer_or_self, NID_subject_key_identifier, "hash") == 0
            && add_extension(cert, issuer_or_self, NID_authority_key_identifier, "keyid:always") == 0;
    }
    ok = ok && X509_sign(cert, signer_key, EVP_sha256()) > 0;
    BN_free(serial_bn);
    if (!ok)
    {
        X509_free(cert);
        cert = NULL;
    }
    return cert;
}

int example_make_x509_identity(const char* common_name_prefix, const char* fixed_common_name, char** pem_out)
{
    EVP_PKEY* root_key = EVP_EC_gen("P-256");
    EVP_PKEY* leaf_key = EVP_EC_gen("P-256");
    X509* root = NULL;
    X509* leaf = NULL;
    char* common_name = NULL;
    unsigned char* leaf_public = NULL;
    BIO* bio = BIO_new(BIO_s_mem());
    int result = 1;
    if (root_key != NULL && leaf_key != NULL && bio != NULL)
    {
        int public_len = i2d_PUBKEY(leaf_key, &leaf_public);
        if (fixed_common_name != NULL)
        {
            common_name = strdup_checked(fixed_common_name);
        }
        else if (public_len > 0)
        {
            /* a name unique to this device: the prefix and 16 hex digits of SHA-256(leaf public key) */
            char* suffix = example_hex_digest_prefix(leaf_public, (size_t)public_len, 16);
            if (suffix != NULL && (common_name = malloc(strlen(common_name_prefix) + strlen(suffix) + 1)) != NULL)
            {
                strcpy(common_name, common_name_prefix);
                strcat(common_name, suffix);
            }
            free(suffix);
        }
    }
    if (common_name != NULL
        && (root = make_certificate("provhsm example custom HSM root", root_key, NULL, root_key, 1)) != NULL
        && (leaf = make_certificate(common_name, leaf_key, root, root_key, 0)) != NULL
        && PEM_write_bio_PrivateKey_traditional(bio, leaf_key, NULL, NULL, 0, NULL, NULL) == 1
        && PEM_write_bio_X509(bio, leaf) == 1
        && PEM_write_bio_X509(bio, root) == 1
        && (*pem_out = bio_to_string(bio)) != NULL)
    {
        result = 0;
    }
    free_secret_bio(bio);
    OPENSSL_free(leaf_public);
    free(common_name);
    X509_free(root);
    X509_free(leaf);
    EVP_PKEY_free(root_key);
    EVP_PKEY_free(leaf_key);
    return result;
}

int example_split_x509_identity(const char* pem, char** key_pem, char** chain_pem, char** common_name)
{
    const char* chain_start = strstr(pem, "-----BEGIN CERTIFICATE-----");
    BIO* bio = NULL;
    X509* leaf = NULL;
    int result = 1;
    *key_pem = *chain_pem = *common_name = NULL;
    if (chain_start != NULL && strncmp(pem, "-----BEGIN EC PRIVATE KEY-----", 30) == 0)
    {
        size_t key_len = (size_t)(chain_start - pem);
        *key_pem = malloc(key_len + 1);
        *chain_pem = strdup_checked(chain_start);
        bio = BIO_new_mem_buf(chain_start, -1);
        if (*key_pem != NULL && *chain_pem != NULL && bio != NULL
            && (leaf = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL)
        {
            memcpy(*key_pem, pem, key_len);
            (*key_pem)[key_len] = '\0';
            char name[256];
            int len = X509_NAME_get_text_by_NID(X509_get_subject_name(leaf), NID_commonName, name, sizeof(name));
            if (len > 0 && (size_t)len < sizeof(name) && (*common_name = strdup_checked(name)) != NULL)
            {
                result = 0;
            }
        }
    }
    if (result != 0)
    {
        if (*key_pem != NULL)
        {
            OPENSSL_cleanse(*key_pem, strlen(*key_pem));
        }
        free(*key_pem);
        free(*chain_pem);
        free(*common_name);
        *key_pem = *chain_pem = *common_name = NULL;
    }
    X509_free(leaf);
    BIO_free(bio);
    return result;
}

int example_make_tpm_keys(char** pem_out)
{
    EVP_PKEY* endorsement = EVP_RSA_gen(2048);
    EVP_PKEY* storage_root = EVP_RSA_gen(2048);
    BIO* bio = BIO_new(BIO_s_mem());
    int result = 1;
    if (endorsement != NULL && storage_root != NULL && bio != NULL
        && PEM_write_bio_PrivateKey(bio, endorsement, NULL, NULL, 0, NULL, NULL) == 1
        && PEM_write_bio_PrivateKey(bio, storage_root, NULL, NULL, 0, NULL, NULL) == 1
        && (*pem_out = bio_to_string(bio)) != NULL)
    {
        result = 0;
    }
    free_secret_bio(bio);
    EVP_PKEY_free(endorsement);
    EVP_PKEY_free(storage_root);
    return result;
}

int example_load_tpm_keys(const char* pem, EVP_PKEY** endorsement, EVP_PKEY** storage_root)
{
    BIO* bio = BIO_new_mem_buf(pem, -1);
    int result = 1;
    *endorsement = *storage_root = NULL;
    if (bio != NULL
        && (*endorsement = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL)) != NULL
        && (*storage_root = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL)) != NULL
        && EVP_PKEY_is_a(*endorsement, "RSA") && EVP_PKEY_is_a(*storage_root, "RSA")
        && EVP_PKEY_get_bits(*endorsement) == 2048 && EVP_PKEY_get_bits(*storage_root) == 2048)
    {
        result = 0;
    }
    if (result != 0)
    {
        EVP_PKEY_free(*endorsement);
        EVP_PKEY_free(*storage_root);
        *endorsement = *storage_root = NULL;
    }
    BIO_free(bio);
    return result;
}

int example_hmac_sha256(const unsigned char* key, size_t key_len, const unsigned char* data, size_t data_len,
                        unsigned char** mac, size_t* mac_len)
{
    unsigned int len = 0;
    unsigned char* out = malloc(32);
    /* HMAC() wants a non-NULL data pointer even for empty input */
    static const unsigned char empty[1] = {0};
    if (out == NULL || HMAC(EVP_sha256(), key, (int)key_len, data_len == 0 ? empty : data, data_len, out, &len) == NULL || len != 32)
    {
        free(out);
        return 1;
    }
    *mac = out;
    *mac_len = len;
    return 0;
}
