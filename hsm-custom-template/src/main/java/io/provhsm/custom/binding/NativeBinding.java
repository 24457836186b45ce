package io.provhsm.custom.binding;

/**
 * The few native operations the custom-HSM bridge needs, over one loaded library: symbol lookup, raw memory,
 * and calls through function pointers with the signatures of {@code hsm_client_data.h}. Addresses are
 * {@code long}; 0 is NULL. {@code size_t} values travel as {@code long} (pointer-sized on every supported ABI).
 *
 * <p>Implementations check nothing: {@link io.provhsm.custom.HsmLibrary} validates every pointer and length
 * before it touches memory. They are thread-safe.
 */
public interface NativeBinding {

    /** "jna" or "jnr". */
    String name();

    /** The address of an exported symbol, or 0 if the library does not export it. */
    long symbol(String name);

    /** Bytes in a pointer (and in a {@code size_t}). */
    int addressSize();

    /** The pointer stored at {@code address}. */
    long readAddress(long address);

    /** The {@code size_t} stored at {@code address}, unsigned (a value of 2^63 or more is negative). */
    long readSize(long address);

    void read(long address, byte[] into, int offset, int length);

    void write(long address, byte[] from, int offset, int length);

    /** Zeroes {@code size} bytes (wiping secrets before memory is released). */
    void clear(long address, long size);

    /** Zeroed native memory owned by the bridge; release it with {@link #release}. */
    long allocate(long size);

    void release(long address);

    /** Frees memory the library returned, with the C library's {@code free}. */
    void freeReturned(long address);

    /** {@code void* f(void)}: the create functions and the table getters. */
    long callPointer(long function);

    /** {@code int f(void)}: init functions. */
    int callInt(long function);

    /** {@code void f(void)}: deinit functions. */
    void callVoid(long function);

    /** {@code void f(void*)}: destroy. */
    void callVoid(long function, long pointer);

    /** {@code void* f(void*)}: the string getters. */
    long callPointer(long function, long pointer);

    /** {@code int f(void*, void*, void*)}: get_ek, get_srk, set_symm_key_info. */
    int callInt(long function, long pointer1, long pointer2, long pointer3);

    /** {@code int f(void*, const void*, size_t)}: activate_identity_key. */
    int callIntSized(long function, long pointer1, long pointer2, long size);

    /** {@code int f(void*, const void*, size_t, void*, void*)}: sign_with_identity. */
    int callInt(long function, long pointer1, long pointer2, long size, long pointer4, long pointer5);
}
