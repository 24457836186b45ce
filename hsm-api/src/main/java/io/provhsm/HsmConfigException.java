package io.provhsm;

/** A setting is malformed or missing; the message names the setting and where its value came from. */
public class HsmConfigException extends HsmException {
    private static final long serialVersionUID = 1L;

    public HsmConfigException(String message) {
        super(message);
    }

    public HsmConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
