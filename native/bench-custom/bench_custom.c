/*
 * C baseline for io.provhsm.bench.CustomBridgeBenchmark: calls a custom-HSM library's sign_with_identity
 * directly from C, in a loop, in the same process as the Java bridge (the benchmark calls this once per
 * measured invocation, so the cost of reaching C from Java is spread over `iterations` calls).
 */
#include <dlfcn.h>
#include <stddef.h>
#include <stdlib.h>
#include <time.h>

#include "hsm_client_data.h"

typedef int (*INIT_FN)(void);
typedef void (*DEINIT_FN)(void);
typedef const HSM_CLIENT_TPM_INTERFACE* (*TPM_INTERFACE_FN)(void);

/*
 * Nanoseconds per call of sign_with_identity (including the free of its result, as every caller must), or a
 * negative number: -1 library or entry point missing, -2 init/create failed, -3 a signing call failed.
 * The library's identity key must already be activated.
 */
double bench_custom_sign_ns(const char* library_path, const unsigned char* data, size_t data_len, long iterations)
{
    void* library = dlopen(library_path, RTLD_NOW | RTLD_LOCAL);
    if (library == NULL)
    {
        return -1;
    }
    INIT_FN init = (INIT_FN)dlsym(library, "hsm_client_tpm_init");
    DEINIT_FN deinit = (DEINIT_FN)dlsym(library, "hsm_client_tpm_deinit");
    TPM_INTERFACE_FN interface = (TPM_INTERFACE_FN)dlsym(library, "hsm_client_tpm_interface");
    const HSM_CLIENT_TPM_INTERFACE* tpm = interface != NULL ? interface() : NULL;
    if (init == NULL || deinit == NULL || tpm == NULL)
    {
        dlclose(library);
        return -1;
    }
    double result = -2;
    if (init() == 0)
    {
        HSM_CLIENT_HANDLE handle = tpm->hsm_client_tpm_create();
        if (handle != NULL)
        {
            struct timespec start;
            struct timespec end;
            result = 0;
            clock_gettime(CLOCK_MONOTONIC, &start);
            for (long i = 0; i < iterations; i++)
            {
                unsigned char* signature = NULL;
                size_t signature_len = 0;
                if (tpm->hsm_client_sign_with_identity(handle, data, data_len, &signature, &signature_len) != 0)
                {
                    result = -3;
                    break;
                }
                free(signature);
            }
            clock_gettime(CLOCK_MONOTONIC, &end);
            if (result == 0)
            {
                double elapsed = (double)(end.tv_sec - start.tv_sec) * 1e9 + (double)(end.tv_nsec - start.tv_nsec);
                result = elapsed / (double)(iterations > 0 ? iterations : 1);
            }
            tpm->hsm_client_tpm_destroy(handle);
        }
        deinit();
    }
    dlclose(library);
    return result;
}
