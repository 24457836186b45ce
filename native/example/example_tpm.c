/*
 * The TPM half of the example, in software: public areas marshalled as a TPM 2.0 reports them, and the
 * device side of the provisioning service's activation blob (TPM2_ActivateCredential then TPM2_Import of the
 * duplicated HMAC key), following specs/dps-tpm-attestation.md. Every length is checked before it is used.
 */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/hmac.h>
#include <openssl/rsa.h>

#include "example_crypto.h"

#define SHA256_SIZE 32
#define NAME_SIZE (2 + SHA256_SIZE)
#define TPM_ALG_SHA256 0x000B
#define TPM_ALG_KEYEDHASH 0x0008

static const unsigned char EK_POLICY[SHA256_SIZE] = {
    0x83, 0x71, 0x97, 0x67, 0x44, 0x84, 0xb3, 0xf8, 0x1a, 0x90, 0xcc, 0x8d, 0x46, 0xa5, 0xd7, 0x24,
    0xfd, 0x52, 0xd7, 0x6e, 0x06, 0x52, 0x0b, 0x64, 0xf2, 0xa1, 0xda, 0x1b, 0x33, 0x14, 0x69, 0xaa};

static unsigned char* put_u16(unsigned char* out, size_t value)
{
    out[0] = (unsigned char)(value >> 8);
    out[1] = (unsigned char)value;
    return out + 2;
}

static unsigned char* put_u32(unsigned char* out, unsigned long value)
{
    out[0] = (unsigned char)(value >> 24);
    out[1] = (unsigned char)(value >> 16);
    out[2] = (unsigned char)(value >> 8);
    out[3] = (unsigned char)value;
    return out + 4;
}

int example_tpm2b_public(EVP_PKEY* key, int is_endorsement, unsigned char** out, size_t* out_len)
{
    BIGNUM* n = NULL;
    unsigned char modulus[256];
    if (EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_N, &n) != 1 || BN_bn2binpad(n, modulus, sizeof(modulus)) != 256)
    {
        BN_free(n);
        return 1;
    }
    BN_free(n);
    size_t policy_len = is_endorsement ? SHA256_SIZE : 0;
    /* type, nameAlg, attributes, authPolicy, symmetric (AES-128-CFB), scheme NULL, keyBits, exponent, unique */
    size_t tpmt_len = 2 + 2 + 4 + 2 + policy_len + 6 + 2 + 2 + 4 + 2 + 256;
    unsigned char* buffer = malloc(2 + tpmt_len);
    if (buffer == NULL)
    {
        return 1;
    }
    unsigned char* p = put_u16(buffer, tpmt_len);
    p = put_u16(p, 0x0001);
    p = put_u16(p, TPM_ALG_SHA256);
    p = put_u32(p, is_endorsement ? 0x000300B2ul : 0x00030472ul);
    p = put_u16(p, policy_len);
    if (is_endorsement)
    {
        memcpy(p, EK_POLICY, SHA256_SIZE);
        p += SHA256_SIZE;
    }
    p = put_u16(p, 0x0006); /* AES */
    p = put_u16(p, 128);
    p = put_u16(p, 0x0043); /* CFB */
    p = put_u16(p, 0x0010); /* scheme NULL */
    p = put_u16(p, 2048);
    p = put_u32(p, 0);      /* exponent 0 = 65537 */
    p = put_u16(p, 256);
    memcpy(p, modulus, 256);
    *out = buffer;
    *out_len = 2 + tpmt_len;
    return 0;
}

/* Name(object) = nameAlg || SHA-256(TPMT_PUBLIC) */
static int object_name(const unsigned char* tpmt, size_t tpmt_len, unsigned char name[NAME_SIZE])
{
    put_u16(name, TPM_ALG_SHA256);
    return EVP_Digest(tpmt, tpmt_len, name + 2, NULL, EVP_sha256(), NULL) == 1 ? 0 : 1;
}

/* KDFa(SHA-256): concatenation of HMAC(key, u32 i || label || 0 || context_u || context_v || u32 bits) */
static int kdfa(const unsigned char* key, size_t key_len, const char* label, const unsigned char* context_u, size_t u_len,
                unsigned bits, unsigned char* out)
{
    size_t wanted = bits / 8;
    size_t label_len = strlen(label) + 1; /* with its NUL */
    unsigned char input[4 + 32 + NAME_SIZE + 4];
    if (label_len > 32 || u_len > NAME_SIZE)
    {
        return 1;
    }
    for (unsigned long i = 1; wanted > 0; i++)
    {
        unsigned char block[SHA256_SIZE];
        unsigned int block_len = 0;
        unsigned char* p = put_u32(input, i);
        memcpy(p, label, label_len);
        p += label_len;
        memcpy(p, context_u, u_len);
        p += u_len;
        p = put_u32(p, bits);
        if (HMAC(EVP_sha256(), key, (int)key_len, input, (size_t)(p - input), block, &block_len) == NULL)
        {
            return 1;
        }
        size_t take = wanted < SHA256_SIZE ? wanted : SHA256_SIZE;
        memcpy(out, block, take);
        out += take;
        wanted -= take;
        OPENSSL_cleanse(block, sizeof(block));
    }
    return 0;
}

/* AES-128 full-block CFB with a zero IV, decrypting in place. */
static int cfb_decrypt(const unsigned char key[16], unsigned char* data, size_t len)
{
    static const unsigned char zero_iv[16] = {0};
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    int out_len = 0;
    int final_len = 0;
    int ok = ctx != NULL && EVP_DecryptInit_ex(ctx, EVP_aes_128_cfb128(), NULL, key, zero_iv) == 1
        && EVP_DecryptUpdate(ctx, data, &out_len, data, (int)len) == 1
        && EVP_DecryptFinal_ex(ctx, data + out_len, &final_len) == 1 && (size_t)(out_len + final_len) == len;
    EVP_CIPHER_CTX_free(ctx);
    return ok ? 0 : 1;
}

/* RSA-OAEP(SHA-256) decryption with a label that includes its terminating NUL ("IDENTITY\0", "DUPLICATE\0"). */
static int oaep_decrypt(EVP_PKEY* key, const char* label, const unsigned char* in, size_t in_len, unsigned char* out,
                        size_t* out_len)
{
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(key, NULL);
    size_t label_len = strlen(label) + 1;
    unsigned char* label_copy = OPENSSL_malloc(label_len);
    int ok = 0;
    if (ctx != NULL && label_copy != NULL && EVP_PKEY_decrypt_init(ctx) == 1
        && EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) == 1
        && EVP_PKEY_CTX_set_rsa_oaep_md(ctx, EVP_sha256()) == 1 && EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, EVP_sha256()) == 1)
    {
        memcpy(label_copy, label, label_len);
        if (EVP_PKEY_CTX_set0_rsa_oaep_label(ctx, label_copy, label_len) == 1)
        {
            label_copy = NULL; /* owned by the context */
            ok = EVP_PKEY_decrypt(ctx, out, out_len, in, in_len) == 1;
        }
    }
    OPENSSL_free(label_copy);
    EVP_PKEY_CTX_free(ctx);
    return ok ? 0 : 1;
}

typedef struct FIELD_TAG
{
    const unsigned char* data;
    size_t len;
} FIELD;

/* The six u16-sized fields of the blob, strictly: nothing may run past the end or follow the last. */
static int split_blob(const unsigned char* blob, size_t blob_len, FIELD fields[6])
{
    size_t offset = 0;
    for (int i = 0; i < 6; i++)
    {
        if (blob_len - offset < 2)
        {
            return 1;
        }
        size_t len = ((size_t)blob[offset] << 8) | blob[offset + 1];
        offset += 2;
        if (blob_len - offset < len)
        {
            return 1;
        }
        fields[i].data = blob + offset;
        fields[i].len = len;
        offset += len;
    }
    return offset == blob_len ? 0 : 1;
}

static int hmac_equals(const unsigned char* key, size_t key_len, const unsigned char* a, size_t a_len,
                       const unsigned char* b, size_t b_len, const unsigned char expected[SHA256_SIZE])
{
    unsigned char mac[SHA256_SIZE];
    unsigned int mac_len = 0;
    unsigned char* input = malloc(a_len + b_len);
    int ok = 0;
    if (input != NULL)
    {
        memcpy(input, a, a_len);
        memcpy(input + a_len, b, b_len);
        ok = HMAC(EVP_sha256(), key, (int)key_len, input, a_len + b_len, mac, &mac_len) != NULL && mac_len == SHA256_SIZE
            && CRYPTO_memcmp(mac, expected, SHA256_SIZE) == 0;
        OPENSSL_cleanse(input, a_len + b_len);
        free(input);
    }
    return ok;
}

int example_activate(EVP_PKEY* endorsement, EVP_PKEY* storage_root, const unsigned char* srk_public, size_t srk_public_len,
                     const unsigned char* blob, size_t blob_len, unsigned char* key_out, size_t* key_len_out)
{
    FIELD f[6];
    unsigned char seed[512];
    size_t seed_len = sizeof(seed);
    unsigned char srk_name[NAME_SIZE];
    unsigned char identity_name[NAME_SIZE];
    unsigned char integrity_key[SHA256_SIZE];
    unsigned char storage_key[16];
    unsigned char identity[2 + 16];
    unsigned char* sensitive = NULL;
    int result = 1;

    if (split_blob(blob, blob_len, f) != 0 || srk_public_len < 2
        || object_name(srk_public + 2, srk_public_len - 2, srk_name) != 0 || object_name(f[4].data, f[4].len, identity_name) != 0)
    {
        return 1;
    }
    /* 1, 2: MakeCredential to the EK: integrityHMAC over encIdentity || Name(SRK), then the inner wrap key W */
    const FIELD* credential = &f[0];
    if (credential->len != 2 + SHA256_SIZE + sizeof(identity) || credential->data[0] != 0 || credential->data[1] != SHA256_SIZE
        || oaep_decrypt(endorsement, "IDENTITY", f[1].data, f[1].len, seed, &seed_len) != 0)
    {
        goto done;
    }
    const unsigned char* enc_identity = credential->data + 2 + SHA256_SIZE;
    if (kdfa(seed, seed_len, "INTEGRITY", NULL, 0, 256, integrity_key) != 0
        || !hmac_equals(integrity_key, sizeof(integrity_key), enc_identity, sizeof(identity), srk_name, NAME_SIZE,
                        credential->data + 2)
        || kdfa(seed, seed_len, "STORAGE", srk_name, NAME_SIZE, 128, storage_key) != 0)
    {
        goto done;
    }
    memcpy(identity, enc_identity, sizeof(identity));
    if (cfb_decrypt(storage_key, identity, sizeof(identity)) != 0 || identity[0] != 0 || identity[1] != 16)
    {
        goto done;
    }
    /* 3, 4: the duplicate, outer wrapping to the SRK: outerHMAC over dupSensitive || Name(identity) */
    const FIELD* duplicate = &f[2];
    seed_len = sizeof(seed);
    if (duplicate->len < 2 + SHA256_SIZE + 2 + SHA256_SIZE || duplicate->data[0] != 0 || duplicate->data[1] != SHA256_SIZE
        || oaep_decrypt(storage_root, "DUPLICATE", f[3].data, f[3].len, seed, &seed_len) != 0)
    {
        goto done;
    }
    const unsigned char* dup_sensitive = duplicate->data + 2 + SHA256_SIZE;
    size_t sensitive_len = duplicate->len - 2 - SHA256_SIZE;
    if (kdfa(seed, seed_len, "INTEGRITY", NULL, 0, 256, integrity_key) != 0
        || !hmac_equals(integrity_key, sizeof(integrity_key), dup_sensitive, sensitive_len, identity_name, NAME_SIZE,
                        duplicate->data + 2)
        || kdfa(seed, seed_len, "STORAGE", identity_name, NAME_SIZE, 128, storage_key) != 0
        || (sensitive = malloc(sensitive_len)) == NULL)
    {
        goto done;
    }
    memcpy(sensitive, dup_sensitive, sensitive_len);
    /* outer layer with the SRK seed's key, inner layer with W; then u16 32 || SHA256(sens || Name) || sens */
    if (cfb_decrypt(storage_key, sensitive, sensitive_len) != 0 || cfb_decrypt(identity + 2, sensitive, sensitive_len) != 0
        || sensitive[0] != 0 || sensitive[1] != SHA256_SIZE)
    {
        goto done;
    }
    const unsigned char* sens = sensitive + 2 + SHA256_SIZE;
    size_t sens_len = sensitive_len - 2 - SHA256_SIZE;
    unsigned char digest[SHA256_SIZE];
    EVP_MD_CTX* md = EVP_MD_CTX_new();
    int digest_ok = md != NULL && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1 && EVP_DigestUpdate(md, sens, sens_len) == 1
        && EVP_DigestUpdate(md, identity_name, NAME_SIZE) == 1 && EVP_DigestFinal_ex(md, digest, NULL) == 1;
    EVP_MD_CTX_free(md);
    if (!digest_ok || CRYPTO_memcmp(digest, sensitive + 2, SHA256_SIZE) != 0)
    {
        goto done;
    }
    /* sens = u16 size || type KEYEDHASH | u16 authValue (empty) | u16 32 seedValue | u16 n key */
    if (sens_len < 2 + 2 + 2 + 2 + SHA256_SIZE + 2 || ((size_t)sens[0] << 8 | sens[1]) != sens_len - 2
        || ((size_t)sens[2] << 8 | sens[3]) != TPM_ALG_KEYEDHASH || sens[4] != 0 || sens[5] != 0
        || ((size_t)sens[6] << 8 | sens[7]) != SHA256_SIZE)
    {
        goto done;
    }
    const unsigned char* obfuscation = sens + 8;
    size_t key_len = (size_t)sens[8 + SHA256_SIZE] << 8 | sens[9 + SHA256_SIZE];
    const unsigned char* key = sens + 10 + SHA256_SIZE;
    if (key_len == 0 || key_len > EXAMPLE_MAX_IDENTITY_KEY || 10 + SHA256_SIZE + key_len != sens_len)
    {
        goto done;
    }
    /* the public area's unique must be SHA256(obfuscation || key): the last 32 bytes of the TPMT_PUBLIC */
    md = EVP_MD_CTX_new();
    digest_ok = md != NULL && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1
        && EVP_DigestUpdate(md, obfuscation, SHA256_SIZE) == 1 && EVP_DigestUpdate(md, key, key_len) == 1
        && EVP_DigestFinal_ex(md, digest, NULL) == 1;
    EVP_MD_CTX_free(md);
    if (!digest_ok || f[4].len < 2 + SHA256_SIZE || CRYPTO_memcmp(f[4].data + f[4].len - SHA256_SIZE, digest, SHA256_SIZE) != 0)
    {
        goto done;
    }
    memcpy(key_out, key, key_len);
    *key_len_out = key_len;
    result = 0;
done:
    if (sensitive != NULL)
    {
        OPENSSL_cleanse(sensitive, sensitive_len);
        free(sensitive);
    }
    OPENSSL_cleanse(seed, sizeof(seed));
    OPENSSL_cleanse(integrity_key, sizeof(integrity_key));
    OPENSSL_cleanse(storage_key, sizeof(storage_key));
    OPENSSL_cleanse(identity, sizeof(identity));
    ERR_clear_error();
    return result;
}
