package io.provhsm.tck.service;

/**
 * The service refuses a device's proof of identity (a SAS token, a certificate chain, a verification
 * certificate). The message says which check failed; it never contains key material.
 */
public class AttestationException extends Exception {
    private static final long serialVersionUID = 1L;

    public AttestationException(String message) {
        super(message);
    }

    public AttestationException(String message, Throwable cause) {
        super(message, cause);
    }
}
