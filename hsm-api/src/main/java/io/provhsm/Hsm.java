package io.provhsm;

/**
 * An open session on one device identity. Closing releases the device (sockets, native handles,
 * key material held in memory) but never the identity itself, which outlives the session.
 */
public interface Hsm extends AutoCloseable {

    /** The mechanism this session serves. */
    Mechanism mechanism();

    /** The registration id the provisioning service knows this device by. */
    String registrationId();

    /** Releases the session; idempotent. Any other call after close throws {@link IllegalStateException}. */
    @Override
    void close();
}
