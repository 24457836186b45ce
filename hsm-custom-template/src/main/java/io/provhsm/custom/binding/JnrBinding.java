package io.provhsm.custom.binding;

import com.kenai.jffi.CallContext;
import com.kenai.jffi.CallingConvention;
import com.kenai.jffi.Invoker;
import com.kenai.jffi.Library;
import com.kenai.jffi.MemoryIO;
import com.kenai.jffi.Type;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.provider.MemoryManager;

/**
 * The JNR-FFI binding ({@code provhsm.custom.binding=jnr}). jnr-ffi's public API binds functions by name and
 * cannot call through a function pointer (jnr/jnr-ffi#31); its maintainers point to jffi, the invocation layer
 * jnr-ffi itself is built on. So: jffi for the library, its symbols and the calls; jnr-ffi's {@link Pointer}
 * for memory access.
 */
public final class JnrBinding implements NativeBinding {
    private static final Invoker INVOKER = Invoker.getInstance();
    private static final MemoryIO MEMORY = MemoryIO.getInstance();
    private static final CallContext POINTER_OF_VOID = context(Type.POINTER);
    private static final CallContext INT_OF_VOID = context(Type.SINT);
    private static final CallContext VOID_OF_VOID = context(Type.VOID);
    private static final CallContext VOID_OF_POINTER = context(Type.VOID, Type.POINTER);
    private static final CallContext POINTER_OF_POINTER = context(Type.POINTER, Type.POINTER);
    // size_t is passed as a pointer-sized integer: the same width and register class on every supported ABI
    private static final CallContext INT_OF_3 = context(Type.SINT, Type.POINTER, Type.POINTER, Type.POINTER);
    private static final CallContext INT_OF_5 =
            context(Type.SINT, Type.POINTER, Type.POINTER, Type.POINTER, Type.POINTER, Type.POINTER);

    private final Library library;
    private final long free;
    private final MemoryManager memory = Runtime.getSystemRuntime().getMemoryManager();
    private final int addressSize = Runtime.getSystemRuntime().addressSize();

    /** @throws UnsatisfiedLinkError with the dynamic loader's message if the library cannot be loaded */
    public JnrBinding(String library) {
        Library loaded = Library.getCachedInstance(library, Library.NOW | Library.LOCAL);
        if (loaded == null) {
            throw new UnsatisfiedLinkError(Library.getLastError());
        }
        this.library = loaded;
        long own = loaded.getSymbolAddress("free"); // the free of the library's own C runtime
        this.free = own != 0 ? own : Library.getDefault().getSymbolAddress("free");
        if (free == 0) {
            throw new UnsatisfiedLinkError("no C library free() reachable from " + library);
        }
    }

    private static CallContext context(Type result, Type... parameters) {
        return CallContext.getCallContext(result, parameters, CallingConvention.DEFAULT, false);
    }

    private Pointer at(long address) {
        return memory.newPointer(address);
    }

    @Override
    public String name() {
        return "jnr";
    }

    @Override
    public long symbol(String name) {
        return library.getSymbolAddress(name);
    }

    @Override
    public int addressSize() {
        return addressSize;
    }

    @Override
    public long readAddress(long address) {
        return at(address).getAddress(0);
    }

    @Override
    public long readSize(long address) {
        return addressSize == 8 ? at(address).getLong(0) : at(address).getInt(0) & 0xffffffffL;
    }

    @Override
    public void read(long address, byte[] into, int offset, int length) {
        at(address).get(0, into, offset, length);
    }

    @Override
    public void write(long address, byte[] from, int offset, int length) {
        at(address).put(0, from, offset, length);
    }

    @Override
    public void clear(long address, long size) {
        at(address).setMemory(0, size, (byte) 0);
    }

    @Override
    public long allocate(long size) {
        long address = MEMORY.allocateMemory(size, true);
        if (address == 0) {
            throw new OutOfMemoryError("native allocation of " + size + " bytes failed");
        }
        return address;
    }

    @Override
    public void release(long address) {
        MEMORY.freeMemory(address);
    }

    @Override
    public void freeReturned(long address) {
        INVOKER.invokeN1(VOID_OF_POINTER, free, address);
    }

    @Override
    public long callPointer(long function) {
        return INVOKER.invokeN0(POINTER_OF_VOID, function);
    }

    @Override
    public int callInt(long function) {
        return (int) INVOKER.invokeN0(INT_OF_VOID, function);
    }

    @Override
    public void callVoid(long function) {
        INVOKER.invokeN0(VOID_OF_VOID, function);
    }

    @Override
    public void callVoid(long function, long pointer) {
        INVOKER.invokeN1(VOID_OF_POINTER, function, pointer);
    }

    @Override
    public long callPointer(long function, long pointer) {
        return INVOKER.invokeN1(POINTER_OF_POINTER, function, pointer);
    }

    @Override
    public int callInt(long function, long pointer1, long pointer2, long pointer3) {
        return (int) INVOKER.invokeN3(INT_OF_3, function, pointer1, pointer2, pointer3);
    }

    @Override
    public int callIntSized(long function, long pointer1, long pointer2, long size) {
        return (int) INVOKER.invokeN3(INT_OF_3, function, pointer1, pointer2, size);
    }

    @Override
    public int callInt(long function, long pointer1, long pointer2, long size, long pointer4, long pointer5) {
        return (int) INVOKER.invokeN5(INT_OF_5, function, pointer1, pointer2, size, pointer4, pointer5);
    }
}
