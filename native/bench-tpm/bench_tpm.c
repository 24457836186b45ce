/*
 * C baseline for io.provhsm.bench.TpmSignBenchmark: TPM2_HMAC with the persisted identity key (0x81000100)
 * through tpm2-tss's SAPI over a TCTI from the TCTI loader (e.g. swtpm:host=127.0.0.1,port=P), in a loop.
 * The benchmark opens a context once and calls the loop once per measured invocation, so the cost of
 * reaching C from Java is spread over `iterations` commands.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <tss2/tss2_sys.h>
#include <tss2/tss2_tctildr.h>

#define IDENTITY_HANDLE 0x81000100

typedef struct BENCH_TPM
{
    TSS2_TCTI_CONTEXT* tcti;
    TSS2_SYS_CONTEXT* sys;
} BENCH_TPM;

/* A SAPI context over the TCTI `tcti_conf`, or NULL if the TCTI or SAPI cannot be initialised. */
BENCH_TPM* bench_tpm_open(const char* tcti_conf)
{
    BENCH_TPM* bench = calloc(1, sizeof(BENCH_TPM));
    if (bench == NULL)
    {
        return NULL;
    }
    if (Tss2_TctiLdr_Initialize(tcti_conf, &bench->tcti) != TSS2_RC_SUCCESS)
    {
        free(bench);
        return NULL;
    }
    size_t size = Tss2_Sys_GetContextSize(0);
    bench->sys = calloc(1, size);
    TSS2_ABI_VERSION abi = TSS2_ABI_VERSION_CURRENT;
    if (bench->sys == NULL || Tss2_Sys_Initialize(bench->sys, size, bench->tcti, &abi) != TSS2_RC_SUCCESS)
    {
        free(bench->sys);
        Tss2_TctiLdr_Finalize(&bench->tcti);
        free(bench);
        return NULL;
    }
    return bench;
}

/*
 * `iterations` times TPM2_HMAC(0x81000100, data) with an empty password; the last HMAC goes to `hmac_out`
 * (32 bytes) if not NULL. Returns 0, the TSS2_RC of the first failing call, or 1 for bad arguments.
 */
uint32_t bench_tpm_hmac(BENCH_TPM* bench, const unsigned char* data, size_t data_len, long iterations,
                        unsigned char* hmac_out)
{
    if (bench == NULL || data_len > sizeof(((TPM2B_MAX_BUFFER*)0)->buffer))
    {
        return 1;
    }
    TSS2L_SYS_AUTH_COMMAND command_auths = {.count = 1, .auths = {{.sessionHandle = TPM2_RS_PW}}};
    TSS2L_SYS_AUTH_RESPONSE response_auths;
    TPM2B_MAX_BUFFER buffer = {.size = (UINT16)data_len};
    memcpy(buffer.buffer, data, data_len);
    TPM2B_DIGEST hmac = {.size = sizeof(hmac.buffer)};
    for (long i = 0; i < iterations; i++)
    {
        hmac.size = sizeof(hmac.buffer);
        TSS2_RC rc = Tss2_Sys_HMAC(bench->sys, IDENTITY_HANDLE, &command_auths, &buffer, TPM2_ALG_NULL, &hmac,
                                   &response_auths);
        if (rc != TSS2_RC_SUCCESS)
        {
            return rc;
        }
    }
    if (hmac_out != NULL && iterations > 0 && hmac.size == 32)
    {
        memcpy(hmac_out, hmac.buffer, 32);
    }
    return 0;
}

void bench_tpm_close(BENCH_TPM* bench)
{
    if (bench != NULL)
    {
        Tss2_Sys_Finalize(bench->sys);
        free(bench->sys);
        Tss2_TctiLdr_Finalize(&bench->tcti);
        free(bench);
    }
}

/* Nanoseconds per TPM2_HMAC, or a negative number: -1 the context cannot be opened, -3 a call failed (rc). */
double bench_tpm_hmac_ns(const char* tcti_conf, const unsigned char* data, size_t data_len, long iterations,
                         uint32_t* failed_rc)
{
    BENCH_TPM* bench = bench_tpm_open(tcti_conf);
    if (bench == NULL)
    {
        return -1;
    }
    struct timespec start;
    struct timespec end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    uint32_t rc = bench_tpm_hmac(bench, data, data_len, iterations, NULL);
    clock_gettime(CLOCK_MONOTONIC, &end);
    bench_tpm_close(bench);
    if (rc != 0)
    {
        if (failed_rc != NULL)
        {
            *failed_rc = rc;
        }
        return -3;
    }
    return iterations <= 0 ? 0
        : ((double)(end.tv_sec - start.tv_sec) * 1e9 + (double)(end.tv_nsec - start.tv_nsec)) / (double)iterations;
}
