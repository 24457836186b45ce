package io.provhsm;

/**
 * Base of every error this library reports. Messages name what is wrong (the setting, the field, the
 * length, the handle) and never contain secret material.
 */
public class HsmException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public HsmException(String message) {
        super(message);
    }

    public HsmException(String message, Throwable cause) {
        super(message, cause);
    }
}
