package io.provhsm;

/** The device cannot be reached (TPM unreachable, library missing); retrying later may succeed. */
public class HsmUnavailableException extends HsmException {
    private static final long serialVersionUID = 1L;

    public HsmUnavailableException(String message) {
        super(message);
    }

    public HsmUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
