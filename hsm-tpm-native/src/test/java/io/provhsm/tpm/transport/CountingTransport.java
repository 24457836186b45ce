package io.provhsm.tpm.transport;

import java.util.concurrent.atomic.AtomicInteger;

/** A transport that counts the commands it passes to a real one (to prove a call never reached the TPM). */
public final class CountingTransport extends ForwardingTransport {
    private final AtomicInteger commands = new AtomicInteger();
    private final String description;

    public CountingTransport(TpmTransport delegate) {
        super(delegate);
        this.description = "counting " + delegate.describe();
    }

    public int commands() {
        return commands.get();
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    protected byte[] transact(byte[] command) {
        commands.incrementAndGet();
        return super.transact(command);
    }
}
