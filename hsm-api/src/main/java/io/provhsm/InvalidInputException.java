package io.provhsm;

/** Caller-supplied data (a blob, a token, a certificate) is malformed; the message names the field. Nothing was changed. */
public class InvalidInputException extends HsmException {
    private static final long serialVersionUID = 1L;

    public InvalidInputException(String message) {
        super(message);
    }

    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
