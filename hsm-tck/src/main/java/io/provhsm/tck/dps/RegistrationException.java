package io.provhsm.tck.dps;

/** The provisioning service refused a registration, or could not be reached; the message says which and why. */
public class RegistrationException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final int errorCode;

    public RegistrationException(String message, int status, int errorCode) {
        super(message);
        this.status = status;
        this.errorCode = errorCode;
    }

    public RegistrationException(String message, Throwable cause) {
        super(message, cause);
        this.status = 0;
        this.errorCode = 0;
    }

    /** HTTP status of the refusal, 0 when there was no answer. */
    public int status() {
        return status;
    }

    /** The service's errorCode, 0 when it sent none. */
    public int errorCode() {
        return errorCode;
    }
}
