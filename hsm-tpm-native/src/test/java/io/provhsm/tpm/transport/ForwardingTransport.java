package io.provhsm.tpm.transport;

/** A transport that passes everything to a real one; tests override {@link #transact} to watch or disturb. */
abstract class ForwardingTransport extends TpmTransport {
    private final TpmTransport delegate;

    ForwardingTransport(TpmTransport delegate) {
        this.delegate = delegate;
    }

    @Override
    public String describe() {
        return delegate.describe();
    }

    @Override
    protected byte[] transact(byte[] command) {
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
