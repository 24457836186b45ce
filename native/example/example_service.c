/*
 * Test helper (libexample_service.so, not part of the example HSM): the provisioning service's side of TPM
 * activation in C, written from specs/dps-tpm-attestation.md independently of the device side in
 * example_tpm.c. Used by the C test driver and, through JNA, by the Java tests.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#define NAME_LEN 34

static unsigned char* u16(unsigned char* p, size_t v)
{
    p[0] = (unsigned char)(v >> 8);
    p[1] = (unsigned char)v;
    return p + 2;
}

static void name_of(const unsigned char* tpmt, size_t len, unsigned char name[NAME_LEN])
{
    u16(name, 0x000B);
    EVP_Digest(tpmt, len, name + 2, NULL, EVP_sha256(), NULL);
}

static void kdfa(const unsigned char* key, size_t key_len, const char* label, const unsigned char* u, size_t u_len,
                 unsigned bits, unsigned char* out)
{
    unsigned char buffer[128];
    size_t done = 0;
    for (unsigned i = 1; done < bits / 8; i++)
    {
        size_t n = 0;
        unsigned char block[32];
        unsigned int block_len = 0;
        buffer[n++] = 0; buffer[n++] = 0; buffer[n++] = 0; buffer[n++] = (unsigned char)i;
        memcpy(buffer + n, label, strlen(label) + 1);
        n += strlen(label) + 1;
        memcpy(buffer + n, u, u_len);
        n += u_len;
        buffer[n++] = (unsigned char)(bits >> 24); buffer[n++] = (unsigned char)(bits >> 16);
        buffer[n++] = (unsigned char)(bits >> 8); buffer[n++] = (unsigned char)bits;
        HMAC(EVP_sha256(), key, (int)key_len, buffer, n, block, &block_len);
        size_t take = bits / 8 - done < 32 ? bits / 8 - done : 32;
        memcpy(out + done, block, take);
        done += take;
    }
}

static void cfb_encrypt(const unsigned char key[16], unsigned char* data, size_t len)
{
    static const unsigned char iv[16] = {0};
    int n = 0;
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    EVP_EncryptInit_ex(ctx, EVP_aes_128_cfb128(), NULL, key, iv);
    EVP_EncryptUpdate(ctx, data, &n, data, (int)len);
    EVP_EncryptFinal_ex(ctx, data + n, &n);
    EVP_CIPHER_CTX_free(ctx);
}

static void hmac2(const unsigned char* key, const unsigned char* a, size_t a_len, const unsigned char* b, size_t b_len,
                  unsigned char out[32])
{
    unsigned char* joined = malloc(a_len + b_len);
    unsigned int len = 0;
    memcpy(joined, a, a_len);
    memcpy(joined + a_len, b, b_len);
    HMAC(EVP_sha256(), key, 32, joined, a_len + b_len, out, &len);
    free(joined);
}

/* RSA public key from a TPM2B_PUBLIC whose last 256 bytes are the modulus (exponent 65537). */
static EVP_PKEY* rsa_from_tpm2b(const unsigned char* tpm2b, size_t len)
{
    EVP_PKEY* key = NULL;
    if (len < 258)
    {
        return NULL;
    }
    BIGNUM* n = BN_bin2bn(tpm2b + len - 256, 256, NULL);
    BIGNUM* e = BN_new();
    OSSL_PARAM_BLD* build = OSSL_PARAM_BLD_new();
    BN_set_word(e, 65537);
    OSSL_PARAM_BLD_push_BN(build, OSSL_PKEY_PARAM_RSA_N, n);
    OSSL_PARAM_BLD_push_BN(build, OSSL_PKEY_PARAM_RSA_E, e);
    OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(build);
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
    if (ctx != NULL && params != NULL && EVP_PKEY_fromdata_init(ctx) == 1)
    {
        EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params);
    }
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(build);
    BN_free(n);
    BN_free(e);
    return key;
}

static int oaep(EVP_PKEY* key, const char* label, const unsigned char* in, size_t in_len, unsigned char out[256])
{
    size_t out_len = 256;
    size_t label_len = strlen(label) + 1;
    unsigned char* label_copy = OPENSSL_malloc(label_len);
    memcpy(label_copy, label, label_len);
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(key, NULL);
    int ok = ctx != NULL && EVP_PKEY_encrypt_init(ctx) == 1 && EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) == 1
        && EVP_PKEY_CTX_set_rsa_oaep_md(ctx, EVP_sha256()) == 1 && EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, EVP_sha256()) == 1
        && EVP_PKEY_CTX_set0_rsa_oaep_label(ctx, label_copy, label_len) == 1;
    if (ok)
    {
        label_copy = NULL;
        ok = EVP_PKEY_encrypt(ctx, out, &out_len, in, in_len) == 1 && out_len == 256;
    }
    OPENSSL_free(label_copy);
    EVP_PKEY_CTX_free(ctx);
    return ok;
}

/*
 * Seals the HMAC key (1..64 bytes) to the TPM whose EK and SRK (TPM2B_PUBLIC) are given, as the provisioning
 * service's activation blob; malloc'd into *blob. Returns 0, or 1 if a key is not an RSA-2048 TPM2B_PUBLIC.
 */
int example_service_seal(const unsigned char* ek, size_t ek_len, const unsigned char* srk, size_t srk_len,
                         const unsigned char* hmac_key, size_t hmac_key_len, unsigned char** blob, size_t* blob_len)
{
    EVP_PKEY* ek_key = rsa_from_tpm2b(ek, ek_len);
    EVP_PKEY* srk_key = rsa_from_tpm2b(srk, srk_len);
    unsigned char w[16], obf[32], s[32], t[32], srk_name[NAME_LEN], id_name[NAME_LEN], k[32];
    unsigned char secret1[256], secret2[256];
    unsigned char identity_public[2 + 2 + 4 + 2 + 4 + 2 + 32];
    int result = 1;
    if (ek_key == NULL || srk_key == NULL || hmac_key_len == 0 || hmac_key_len > 64)
    {
        goto done;
    }
    RAND_bytes(w, sizeof(w));
    RAND_bytes(obf, sizeof(obf));
    RAND_bytes(s, sizeof(s));
    RAND_bytes(t, sizeof(t));
    name_of(srk + 2, srk_len - 2, srk_name);

    /* identity public: KEYEDHASH, SHA256, userWithAuth|noDA|sign, no policy, HMAC(SHA256), unique SHA256(obf||K) */
    unsigned char* p = u16(identity_public, 0x0008);
    p = u16(p, 0x000B);
    *p++ = 0x00; *p++ = 0x04; *p++ = 0x04; *p++ = 0x40;
    p = u16(p, 0);
    p = u16(p, 0x0005);
    p = u16(p, 0x000B);
    p = u16(p, 32);
    EVP_MD_CTX* md = EVP_MD_CTX_new();
    EVP_DigestInit_ex(md, EVP_sha256(), NULL);
    EVP_DigestUpdate(md, obf, 32);
    EVP_DigestUpdate(md, hmac_key, hmac_key_len);
    EVP_DigestFinal_ex(md, p, NULL);
    name_of(identity_public, sizeof(identity_public), id_name);

    /* MakeCredential */
    unsigned char enc_identity[18];
    u16(enc_identity, 16);
    memcpy(enc_identity + 2, w, 16);
    kdfa(s, 32, "STORAGE", srk_name, NAME_LEN, 128, k);
    cfb_encrypt(k, enc_identity, sizeof(enc_identity));
    unsigned char integrity[32];
    kdfa(s, 32, "INTEGRITY", NULL, 0, 256, k);
    hmac2(k, enc_identity, sizeof(enc_identity), srk_name, NAME_LEN, integrity);

    /* duplication: sens, inner wrap with W, outer wrap to the SRK */
    size_t sens_len = 2 + 2 + 2 + 2 + 32 + 2 + hmac_key_len;
    size_t enc_len = 2 + 32 + sens_len;
    unsigned char* enc = malloc(enc_len);
    unsigned char* sens = enc + 2 + 32;
    p = u16(sens, sens_len - 2);
    p = u16(p, 0x0008);
    p = u16(p, 0);
    p = u16(p, 32);
    memcpy(p, obf, 32);
    p = u16(p + 32, hmac_key_len);
    memcpy(p, hmac_key, hmac_key_len);
    u16(enc, 32);
    EVP_DigestInit_ex(md, EVP_sha256(), NULL);
    EVP_DigestUpdate(md, sens, sens_len);
    EVP_DigestUpdate(md, id_name, NAME_LEN);
    EVP_DigestFinal_ex(md, enc + 2, NULL);
    EVP_MD_CTX_free(md);
    cfb_encrypt(w, enc, enc_len);
    kdfa(t, 32, "STORAGE", id_name, NAME_LEN, 128, k);
    cfb_encrypt(k, enc, enc_len);
    unsigned char outer[32];
    kdfa(t, 32, "INTEGRITY", NULL, 0, 256, k);
    hmac2(k, enc, enc_len, id_name, NAME_LEN, outer);

    if (oaep(ek_key, "IDENTITY", s, 32, secret1) && oaep(srk_key, "DUPLICATE", t, 32, secret2))
    {
        *blob_len = (2 + 2 + 32 + 18) + (2 + 256) + (2 + 2 + 32 + enc_len) + (2 + 256) + (2 + sizeof(identity_public)) + 2;
        *blob = malloc(*blob_len);
        p = u16(*blob, 2 + 32 + 18);
        p = u16(p, 32);
        memcpy(p, integrity, 32);
        memcpy(p + 32, enc_identity, 18);
        p = u16(p + 50, 256);
        memcpy(p, secret1, 256);
        p = u16(p + 256, 2 + 32 + enc_len);
        p = u16(p, 32);
        memcpy(p, outer, 32);
        memcpy(p + 32, enc, enc_len);
        p = u16(p + 32 + enc_len, 256);
        memcpy(p, secret2, 256);
        p = u16(p + 256, sizeof(identity_public));
        memcpy(p, identity_public, sizeof(identity_public));
        u16(p + sizeof(identity_public), 0);
        result = 0;
    }
    OPENSSL_cleanse(enc, enc_len);
    free(enc);
done:
    OPENSSL_cleanse(w, sizeof(w));
    OPENSSL_cleanse(k, sizeof(k));
    EVP_PKEY_free(ek_key);
    EVP_PKEY_free(srk_key);
    return result;
}
