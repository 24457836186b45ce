package io.provhsm.tpm.transport;

import io.provhsm.HsmUnavailableException;
import tss.TpmDevice;

/**
 * A way to reach a TPM, under TSS.Java's command layer ({@link tss.Tpm} marshals, this moves bytes).
 *
 * <p>Connections are opened on first use and reopened after a failure, so a TPM that comes back
 * (a restarted simulator, a resource manager) is reached again without reopening the session.
 * Every failure to reach the TPM is an {@link HsmUnavailableException} whose message starts with
 * "TPM unreachable" and names the transport. Not thread-safe: the session serialises commands.
 */
public abstract class TpmTransport extends TpmDevice {
    /** TPM 2.0 response header: tag u16, size u32, response code u32. */
    protected static final int HEADER_SIZE = 10;
    /** Far above any TPM's buffer (swtpm: 4096); a larger size means the stream is corrupt. */
    protected static final int MAX_RESPONSE = 65_536;

    private byte[] pendingResponse;
    private int lastResponseCode;

    /** What this transport talks to, for messages: "tcp 127.0.0.1:2321", "tcti swtpm:host=...". */
    public abstract String describe();

    /** Sends one command and returns its complete response, (re)connecting as needed. */
    protected abstract byte[] transact(byte[] command);

    /** Drops the connection (if any); the next command reconnects. */
    protected abstract void disconnect();

    /** Opens the connection now, to report an unreachable TPM early. */
    public abstract void open();

    @Override
    public final boolean connect() {
        open();
        return true;
    }

    @Override
    public final void dispatchCommand(byte[] command) {
        pendingResponse = null;
        byte[] response = transact(command);
        if (response.length < HEADER_SIZE) {
            disconnect();
            throw unreachable("response of " + response.length + " bytes is shorter than a TPM header", null);
        }
        lastResponseCode = ((response[6] & 0xff) << 24) | ((response[7] & 0xff) << 16) | ((response[8] & 0xff) << 8)
                | (response[9] & 0xff);
        pendingResponse = response;
    }

    @Override
    public final byte[] getResponse() {
        byte[] response = pendingResponse;
        pendingResponse = null;
        if (response == null) {
            throw new IllegalStateException("no TPM command is pending on " + describe());
        }
        return response;
    }

    @Override
    public final boolean responseReady() {
        return pendingResponse != null;
    }

    /** The raw response code of the last command (TSS.Java keeps only a masked form). */
    public final int lastResponseCode() {
        return lastResponseCode;
    }

    @Override
    public void close() {
        disconnect();
    }

    /** The error for a TPM that cannot be reached; the message always starts with "TPM unreachable". */
    protected final HsmUnavailableException unreachable(String why, Throwable cause) {
        return new HsmUnavailableException("TPM unreachable (" + describe() + "): " + why, cause);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + describe() + "]";
    }
}
