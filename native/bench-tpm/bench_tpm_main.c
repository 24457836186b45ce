/* bench_tpm_hmac TCTI [ITERATIONS] [DATA_LEN]: microseconds per TPM2_HMAC on 0x81000100, for runs outside JMH. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

double bench_tpm_hmac_ns(const char* tcti_conf, const unsigned char* data, size_t data_len, long iterations,
                         uint32_t* failed_rc);

int main(int argc, char** argv)
{
    if (argc < 2)
    {
        fprintf(stderr, "usage: %s TCTI [ITERATIONS] [DATA_LEN]\n", argv[0]);
        return 2;
    }
    long iterations = argc > 2 ? atol(argv[2]) : 1000;
    size_t length = argc > 3 ? (size_t)atol(argv[3]) : 32;
    unsigned char* data = calloc(length > 0 ? length : 1, 1);
    if (data == NULL)
    {
        return 1;
    }
    uint32_t rc = 0;
    double ns = bench_tpm_hmac_ns(argv[1], data, length, iterations, &rc);
    free(data);
    if (ns < 0)
    {
        fprintf(stderr, "failed: %.0f (TSS2_RC 0x%x)\n", ns, rc);
        return 1;
    }
    printf("%.1f us per TPM2_HMAC (%ld calls, %zu bytes)\n", ns / 1000.0, iterations, length);
    return 0;
}
