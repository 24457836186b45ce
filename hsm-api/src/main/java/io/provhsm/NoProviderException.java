package io.provhsm;

/** No provider can serve the request: none found, the named one is missing or ambiguous, or it cannot run here. */
public class NoProviderException extends HsmException {
    private static final long serialVersionUID = 1L;

    public NoProviderException(String message) {
        super(message);
    }
}
