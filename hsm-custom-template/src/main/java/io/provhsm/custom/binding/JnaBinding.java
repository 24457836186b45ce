package io.provhsm.custom.binding;

import com.sun.jna.Function;
import com.sun.jna.IntegerType;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** The JNA binding (the default): {@link NativeLibrary} for symbols, {@link Function} for calls through pointers. */
public final class JnaBinding implements NativeBinding {
    private final NativeLibrary library;
    private final Function free;
    private final ConcurrentMap<Long, Function> functions = new ConcurrentHashMap<>();

    /** {@code size_t}, whatever its width here. */
    public static final class SizeT extends IntegerType {
        private static final long serialVersionUID = 1L;

        public SizeT() {
            this(0);
        }

        public SizeT(long value) {
            super(Native.SIZE_T_SIZE, value, true);
        }
    }

    /** @throws UnsatisfiedLinkError with the dynamic loader's message if the library cannot be loaded */
    public JnaBinding(String library) {
        this.library = NativeLibrary.getInstance(library);
        Function own;
        try {
            // the free of the library's own C runtime, found through its dependencies
            own = this.library.getFunction("free");
        } catch (UnsatisfiedLinkError e) {
            own = NativeLibrary.getInstance(com.sun.jna.Platform.C_LIBRARY_NAME).getFunction("free");
        }
        this.free = own;
    }

    @Override
    public String name() {
        return "jna";
    }

    @Override
    public long symbol(String name) {
        try {
            return Pointer.nativeValue(library.getGlobalVariableAddress(name));
        } catch (UnsatisfiedLinkError e) {
            return 0;
        }
    }

    @Override
    public int addressSize() {
        return Native.POINTER_SIZE;
    }

    @Override
    public long readAddress(long address) {
        return Pointer.nativeValue(new Pointer(address).getPointer(0));
    }

    @Override
    public long readSize(long address) {
        Pointer p = new Pointer(address);
        return Native.SIZE_T_SIZE == 8 ? p.getLong(0) : p.getInt(0) & 0xffffffffL;
    }

    @Override
    public void read(long address, byte[] into, int offset, int length) {
        new Pointer(address).read(0, into, offset, length);
    }

    @Override
    public void write(long address, byte[] from, int offset, int length) {
        new Pointer(address).write(0, from, offset, length);
    }

    @Override
    public void clear(long address, long size) {
        new Pointer(address).setMemory(0, size, (byte) 0);
    }

    @Override
    public long allocate(long size) {
        long address = Native.malloc(size);
        if (address == 0) {
            throw new OutOfMemoryError("native allocation of " + size + " bytes failed");
        }
        clear(address, size);
        return address;
    }

    @Override
    public void release(long address) {
        Native.free(address);
    }

    @Override
    public void freeReturned(long address) {
        free.invokeVoid(new Object[] {new Pointer(address)});
    }

    private Function function(long address) {
        return functions.computeIfAbsent(address, a -> Function.getFunction(new Pointer(a)));
    }

    private static Pointer pointer(long address) {
        return address == 0 ? null : new Pointer(address);
    }

    @Override
    public long callPointer(long function) {
        return Pointer.nativeValue(function(function).invokePointer(new Object[0]));
    }

    @Override
    public int callInt(long function) {
        return function(function).invokeInt(new Object[0]);
    }

    @Override
    public void callVoid(long function) {
        function(function).invokeVoid(new Object[0]);
    }

    @Override
    public void callVoid(long function, long pointer) {
        function(function).invokeVoid(new Object[] {pointer(pointer)});
    }

    @Override
    public long callPointer(long function, long pointer) {
        return Pointer.nativeValue(function(function).invokePointer(new Object[] {pointer(pointer)}));
    }

    @Override
    public int callInt(long function, long pointer1, long pointer2, long pointer3) {
        return function(function).invokeInt(new Object[] {pointer(pointer1), pointer(pointer2), pointer(pointer3)});
    }

    @Override
    public int callIntSized(long function, long pointer1, long pointer2, long size) {
        return function(function).invokeInt(new Object[] {pointer(pointer1), pointer(pointer2), new SizeT(size)});
    }

    @Override
    public int callInt(long function, long pointer1, long pointer2, long size, long pointer4, long pointer5) {
        return function(function).invokeInt(
                new Object[] {pointer(pointer1), pointer(pointer2), new SizeT(size), pointer(pointer4), pointer(pointer5)});
    }
}
