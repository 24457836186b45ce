package io.provhsm.tpm;

import io.provhsm.HsmException;
import io.provhsm.tpm.transport.TpmTransport;
import java.util.function.Supplier;
import tss.Tpm;
import tss.TpmException;
import tss.tpm.TPM_RC;
import tss.tpm.TPM_SU;

/**
 * TSS.Java's command layer over one transport, with errors turned into exceptions that say which command
 * failed, on what, and why. TSS.Java would print "TPM ERROR" to stdout and keep only a masked code; here
 * every command runs with errors allowed and the raw code is read from the transport.
 */
final class TpmCommands implements AutoCloseable {
    private final TpmTransport transport;
    private final Tpm tpm;

    TpmCommands(TpmTransport transport) {
        this.transport = transport;
        this.tpm = new Tpm();
        tpm._setDevice(transport);
    }

    TpmTransport transport() {
        return transport;
    }

    /** Runs one command; {@code subject} (e.g. "endorsement key 0x81010001") goes into any error message. */
    <T> T run(String command, String subject, Supplier<T> call) {
        T result = attempt(call);
        int rc = transport.lastResponseCode();
        if (rc == TpmResponseCodes.INITIALIZE) {
            // TPM2_Startup has not run (a simulator started without startup-clear): do it once and retry
            attempt(() -> {
                tpm.Startup(TPM_SU.CLEAR);
                return null;
            });
            result = attempt(call);
            rc = transport.lastResponseCode();
        }
        if (rc != TpmResponseCodes.SUCCESS) {
            throw failure(command, subject, rc);
        }
        return result;
    }

    void run(String command, String subject, Runnable call) {
        run(command, subject, () -> {
            call.run();
            return null;
        });
    }

    /** Runs one command and returns its raw response code instead of throwing on a TPM error. */
    int runAllowingError(Runnable call) {
        attempt(() -> {
            call.run();
            return null;
        });
        return transport.lastResponseCode();
    }

    private <T> T attempt(Supplier<T> call) {
        tpm._allowErrors();
        try {
            return call.get();
        } catch (HsmException e) {
            throw e;
        } catch (TpmException | IllegalArgumentException | IndexOutOfBoundsException | java.nio.BufferUnderflowException e) {
            // TSS.Java found the response malformed (it checks sizes and tags) or could not unmarshal it
            throw new HsmException("TSS.Java could not process the TPM's response on " + transport.describe() + ": " + e, e);
        }
    }

    Tpm tpm() {
        return tpm;
    }

    private static TpmCommandException failure(String command, String subject, int rc) {
        String message = command + " on " + subject + " failed: " + TpmResponseCodes.describe(rc);
        if (TpmResponseCodes.is(rc, TPM_RC.LOCKOUT)) {
            message += "; the TPM is in dictionary-attack lockout and refuses authorisations until its lockout"
                    + " interval passes or the lockout hierarchy resets it (tpm2_dictionarylockout --clear-lockout)";
        } else if (TpmResponseCodes.is(rc, TPM_RC.OBJECT_MEMORY) || TpmResponseCodes.is(rc, TPM_RC.SESSION_MEMORY)
                || TpmResponseCodes.is(rc, TPM_RC.SESSION_HANDLES) || TpmResponseCodes.is(rc, TPM_RC.OBJECT_HANDLES)) {
            message += "; the TPM's transient slots are full (another client without a resource manager left"
                    + " objects or sessions loaded; restarting the TPM or flushing them frees the slots)";
        } else if (TpmResponseCodes.is(rc, TPM_RC.NV_SPACE)) {
            message += "; the TPM has no room left for persistent objects";
        }
        return new TpmCommandException(message, rc);
    }

    @Override
    public void close() {
        transport.close();
    }
}
