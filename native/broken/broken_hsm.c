/*
 * Deliberately broken custom-HSM libraries, for tests only: each variant (compile definition BROKEN_<NAME>,
 * one shared library libbroken_hsm_<name>.so per variant) breaks the ABI contract in one way that a bridge
 * must turn into a clear error instead of a crash, a leak or a hang:
 *   null            getters return NULL or succeed with a NULL buffer; the key table's create returns NULL
 *   missing_symbol  exports hsm_client_tpm_interface and hsm_client_tpm_init but not hsm_client_tpm_deinit
 *   huge_length     buffers come back with lengths far beyond their allocation
 *   short_buffer    buffers end right before an unmapped page, and the lengths reported overrun them: sign
 *                   returns 32 bytes but says 4096, get_ek returns 64 bytes (a TPM2B_PUBLIC size field of 62)
 *                   but says 600, get_srk returns 4 bytes but says 1300. A bridge that reads one byte past any
 *                   of them takes a SIGSEGV, so it must refuse each length before reading the buffer. Its own
 *                   free() (found through the library handle, as with counting) unmaps them.
 *   unterminated    strings come back without a terminating NUL within 1 MiB + 1 bytes
 *   null_table      a table with NULL function pointers, and a table getter that returns NULL
 *   init_fails      initialize_hsm_system returns non-zero
 *   counting        not broken: every string and buffer it returns is tracked, and it exports its own free()
 *                   (found first by a lookup through the library's handle) that counts each release, so a test
 *                   can prove every returned buffer is freed exactly once (counting_hsm_outstanding,
 *                   counting_hsm_double_frees). Tracked memory is never really released: bounded test use only.
 *                   Its sign_with_identity sleeps 0.2 ms and counts calls that overlap (counting_hsm_overlaps).
 * Every buffer it hands out is really malloc'd, so freeing it is always correct.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "hsm_client_data.h"

#define UNTERMINATED_LENGTH ((1u << 20) + 1u)

static int handles_alive;

#if defined(BROKEN_COUNTING)
#define TRACKED_SLOTS (1u << 18)
static void* tracked[TRACKED_SLOTS];
static unsigned char tracked_live[TRACKED_SLOTS];
static long outstanding;
static long double_frees;
static long foreign_frees;

static size_t slot_of(const void* pointer)
{
    size_t slot = ((uintptr_t)pointer >> 4) & (TRACKED_SLOTS - 1);
    while (tracked[slot] != NULL && tracked[slot] != pointer)
    {
        slot = (slot + 1) & (TRACKED_SLOTS - 1);
    }
    return slot;
}

static void* counted(void* pointer)
{
    if (pointer != NULL)
    {
        size_t slot = slot_of(pointer);
        tracked[slot] = pointer;
        tracked_live[slot] = 1;
        outstanding++;
    }
    return pointer;
}

/* Only the bridge reaches this free (through the library handle); the library's own calls bind to libc's. */
void free(void* pointer)
{
    if (pointer == NULL)
    {
        return;
    }
    size_t slot = slot_of(pointer);
    if (tracked[slot] == NULL)
    {
        foreign_frees++;
    }
    else if (tracked_live[slot])
    {
        tracked_live[slot] = 0;
        outstanding--;
    }
    else
    {
        double_frees++;
    }
}

long counting_hsm_outstanding(void)
{
    return outstanding;
}

long counting_hsm_double_frees(void)
{
    return double_frees + foreign_frees;
}

/* sign_with_identity records whether two calls were ever inside it at once (to prove serialisation) */
static int signing_now;
static long signing_overlaps;

long counting_hsm_overlaps(void)
{
    return __atomic_load_n(&signing_overlaps, __ATOMIC_SEQ_CST);
}
#else
#define counted(pointer) (pointer)
#endif

#if defined(BROKEN_SHORT_BUFFER)
#define GUARDED_SLOTS 64
static unsigned char* guarded_bases[GUARDED_SLOTS];

/* len (at most a page) bytes of value ending exactly where a PROT_NONE page begins */
static unsigned char* guarded(size_t len, unsigned char value)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    unsigned char* base = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED || len > page || mprotect(base + page, page, PROT_NONE) != 0)
    {
        return NULL;
    }
    for (size_t slot = 0; slot < GUARDED_SLOTS; slot++)
    {
        if (guarded_bases[slot] == NULL)
        {
            guarded_bases[slot] = base;
            unsigned char* buffer = base + page - len;
            memset(buffer, value, len);
            return buffer;
        }
    }
    munmap(base, 2 * page);
    return NULL;
}

/* Only the bridge reaches this free (through the library handle): it unmaps guarded buffers, ignores the rest. */
void free(void* pointer)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    unsigned char* base = (unsigned char*)((uintptr_t)pointer & ~(uintptr_t)(page - 1));
    for (size_t slot = 0; pointer != NULL && slot < GUARDED_SLOTS; slot++)
    {
        if (guarded_bases[slot] == base)
        {
            guarded_bases[slot] = NULL;
            munmap(base, 2 * page);
            return;
        }
    }
}
#endif

#if defined(BROKEN_COUNTING) || defined(BROKEN_SHORT_BUFFER)
/* handles are static so that no free() of the library's own can be mistaken for the bridge's */
static char handle_storage[16];
static HSM_CLIENT_HANDLE broken_create(void)
{
    handles_alive++;
    return handle_storage;
}

static void broken_destroy(HSM_CLIENT_HANDLE handle)
{
    (void)handle;
    handles_alive--;
}
#else
static HSM_CLIENT_HANDLE broken_create(void)
{
    handles_alive++;
    return malloc(16);
}

static void broken_destroy(HSM_CLIENT_HANDLE handle)
{
    if (handle != NULL)
    {
        handles_alive--;
        free(handle);
    }
}
#endif

static unsigned char* filled(size_t len, unsigned char value)
{
    unsigned char* buffer = malloc(len);
    if (buffer != NULL)
    {
        memset(buffer, value, len);
    }
    return buffer;
}

static char* broken_string(HSM_CLIENT_HANDLE handle)
{
    (void)handle;
#if defined(BROKEN_UNTERMINATED)
    return (char*)filled(UNTERMINATED_LENGTH, 'A');
#elif defined(BROKEN_COUNTING)
    char* text = counted(malloc(14));
    if (text != NULL)
    {
        memcpy(text, "counting-hsm", 13);
    }
    return text;
#else
    return NULL;
#endif
}

static int broken_buffer(HSM_CLIENT_HANDLE handle, unsigned char** key, size_t* key_len)
{
    (void)handle;
#if defined(BROKEN_HUGE_LENGTH)
    *key = filled(16, 0x5a);
    *key_len = SIZE_MAX / 2;
#elif defined(BROKEN_NULL)
    *key = NULL;
    *key_len = 316;
#elif defined(BROKEN_SHORT_BUFFER)
    *key = guarded(64, 0x01);
    *key_len = 600;
    if (*key == NULL)
    {
        return 1;
    }
    (*key)[0] = 0;
    (*key)[1] = 62; /* the size field agrees with the allocation, the reported length does not */
#else
    /* a TPM2B whose size field (2) counts the 2 bytes after it */
    *key = counted(filled(4, 0x01));
    *key_len = 4;
    if (*key == NULL)
    {
        return 1;
    }
    (*key)[0] = 0;
    (*key)[1] = 2;
#endif
    return 0;
}

static int broken_srk(HSM_CLIENT_HANDLE handle, unsigned char** key, size_t* key_len)
{
#if defined(BROKEN_SHORT_BUFFER)
    (void)handle;
    *key = guarded(4, 0x02);
    *key_len = 1300;
    return 0;
#else
    return broken_buffer(handle, key, key_len);
#endif
}

static int broken_activate(HSM_CLIENT_HANDLE handle, const unsigned char* key, size_t key_len)
{
    (void)handle;
    (void)key;
    (void)key_len;
    return 0;
}

static int broken_sign(HSM_CLIENT_HANDLE handle, const unsigned char* data, size_t data_len,
                       unsigned char** signed_value, size_t* signed_len)
{
    (void)handle;
    (void)data;
    (void)data_len;
#if defined(BROKEN_COUNTING)
    if (__atomic_add_fetch(&signing_now, 1, __ATOMIC_SEQ_CST) > 1)
    {
        __atomic_add_fetch(&signing_overlaps, 1, __ATOMIC_SEQ_CST);
    }
    struct timespec pause = {0, 200000};
    nanosleep(&pause, NULL);
    __atomic_sub_fetch(&signing_now, 1, __ATOMIC_SEQ_CST);
#endif
#if defined(BROKEN_HUGE_LENGTH)
    *signed_value = filled(32, 0x11);
    *signed_len = (size_t)1 << 40;
#elif defined(BROKEN_NULL)
    *signed_value = NULL;
    *signed_len = 32;
#elif defined(BROKEN_SHORT_BUFFER)
    *signed_value = guarded(32, 0x11);
    *signed_len = 4096;
#else
    *signed_value = counted(filled(32, 0x11));
    *signed_len = 32;
#endif
    return 0;
}

static int broken_set_key_info(HSM_CLIENT_HANDLE handle, const char* reg_name, const char* symm_key)
{
    (void)handle;
    (void)reg_name;
    (void)symm_key;
    return 0;
}

#if defined(BROKEN_NULL_TABLE)
static const HSM_CLIENT_TPM_INTERFACE tpm_interface = {
    broken_create, broken_destroy, broken_activate, broken_buffer, NULL, NULL
};
static const HSM_CLIENT_KEY_INTERFACE key_interface = {
    NULL, broken_destroy, broken_string, broken_string, broken_set_key_info
};
#else
static const HSM_CLIENT_TPM_INTERFACE tpm_interface = {
    broken_create, broken_destroy, broken_activate, broken_buffer, broken_srk, broken_sign
};
#if defined(BROKEN_NULL)
static HSM_CLIENT_HANDLE null_create(void)
{
    return NULL;
}
static const HSM_CLIENT_KEY_INTERFACE key_interface = {
    null_create, broken_destroy, broken_string, broken_string, broken_set_key_info
};
#else
static const HSM_CLIENT_KEY_INTERFACE key_interface = {
    broken_create, broken_destroy, broken_string, broken_string, broken_set_key_info
};
#endif
#endif

static const HSM_CLIENT_X509_INTERFACE x509_interface = {
    broken_create, broken_destroy, broken_string, broken_string, broken_string
};

const HSM_CLIENT_TPM_INTERFACE* hsm_client_tpm_interface(void)
{
    return &tpm_interface;
}

int hsm_client_tpm_init(void)
{
    return 0;
}

#if !defined(BROKEN_MISSING_SYMBOL)
void hsm_client_tpm_deinit(void)
{
}

const HSM_CLIENT_X509_INTERFACE* hsm_client_x509_interface(void)
{
#if defined(BROKEN_NULL_TABLE)
    return NULL;
#else
    return &x509_interface;
#endif
}

int hsm_client_x509_init(void)
{
    return 0;
}

void hsm_client_x509_deinit(void)
{
}

const HSM_CLIENT_KEY_INTERFACE* hsm_client_key_interface(void)
{
    return &key_interface;
}
#endif

#if defined(BROKEN_INIT_FAILS)
int initialize_hsm_system(void)
{
    return 7;
}

void deinitialize_hsm_system(void)
{
}
#endif
