package io.provhsm.tpm.transport;

import java.util.concurrent.atomic.AtomicInteger;

/** A transport that counts the commands it passes to a real one (to prove a call never reached the TPM). */
public final class CountingTransport extends TpmTransport {
    private final TpmTransport delegate;
    private final AtomicInteger commands = new AtomicInteger();

    public CountingTransport(TpmTransport delegate) {
        this.delegate = delegate;
    }

    public int commands() {
        return commands.get();
    }

    @Override
    public String describe() {
        return "counting " + delegate.describe();
    }

    @Override
    protected byte[] transact(byte[] command) {
        commands.incrementAndGet();
        return delegate.transact(command);
    }

    @Override
    protected void disconnect() {
        delegate.disconnect();
    }

    @Override
    public void open() {
        delegate.open();
    }
}
