package io.provhsm.custom;

import io.provhsm.Hsm;
import io.provhsm.HsmException;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * One handle made by a table's create function. Calls on it are serialised unless the library is declared
 * thread-safe; close (destroy, then the library's deinit if this was its last user) waits for running calls.
 */
abstract class CustomSession implements Hsm {
    protected final HsmLibrary library;
    protected final FunctionTable table;
    protected final long handle;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Lock callLock;
    private boolean closed;

    CustomSession(HsmLibrary library, HsmTable kind, boolean threadSafe) {
        this.library = library;
        this.table = library.table(kind);
        library.acquire();
        long created;
        try {
            created = library.binding().callPointer(table.function(HsmTable.CREATE));
        } catch (RuntimeException | Error e) {
            library.release();
            throw e;
        }
        if (created == 0) {
            library.release();
            throw new HsmException(table.name(HsmTable.CREATE) + "() returned NULL" + library.where());
        }
        this.handle = created;
        this.callLock = threadSafe ? lock.readLock() : lock.writeLock();
    }

    /** Runs one library call on this handle. */
    protected final <T> T call(Supplier<T> action) {
        callLock.lock();
        try {
            if (closed) {
                throw new IllegalStateException(getClass().getSimpleName() + " on " + library.describe() + " is closed");
            }
            return action.get();
        } finally {
            callLock.unlock();
        }
    }

    @Override
    public final void close() {
        lock.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                try {
                    library.binding().callVoid(table.function(HsmTable.DESTROY), handle);
                } finally {
                    library.release();
                }
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + library.describe() + "]";
    }
}
