package io.provhsm.symmetric;

import io.provhsm.SymmetricKeyHsm;
import io.provhsm.dps.HmacSha256;
import io.provhsm.dps.RegistrationIds;
import io.provhsm.dps.SymmetricKeys;
import java.util.Objects;

/** An open symmetric-key identity. Thread-safe: every call holds the session's lock. */
final class SymmetricKeySession implements SymmetricKeyHsm {
    private String registrationId;
    private byte[] key;
    private boolean closed;

    /** Takes ownership of {@code key} (wiped on close or replacement). */
    SymmetricKeySession(String registrationId, byte[] key) {
        this.registrationId = registrationId;
        this.key = key;
    }

    @Override
    public synchronized String registrationId() {
        requireOpen();
        return registrationId;
    }

    @Override
    public synchronized byte[] sign(byte[] data) {
        Objects.requireNonNull(data, "data");
        requireOpen();
        return HmacSha256.compute(key, data);
    }

    @Override
    public void setKeyInfo(String registrationId, char[] base64Key) {
        // validate everything before touching the session: on error nothing changes
        String id = RegistrationIds.requireValid(registrationId);
        byte[] newKey = SymmetricKeys.decode(base64Key, "device key");
        synchronized (this) {
            if (closed) {
                HmacSha256.wipe(newKey);
                requireOpen();
            }
            HmacSha256.wipe(key);
            this.key = newKey;
            this.registrationId = id;
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            HmacSha256.wipe(key);
        }
    }

    @Override
    public synchronized String toString() {
        return "symmetric-key session[registrationId=" + registrationId + (closed ? ", closed]" : "]");
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("symmetric-key session for " + registrationId + " is closed");
        }
    }
}
