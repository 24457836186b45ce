package io.provhsm.tck.dps;

/**
 * An error answer of the provisioning service: HTTP status, the service's numeric error code and a message.
 * The body is {@code {"errorCode": ..., "trackingId": ..., "message": ..., "timestampUtc": ...}}.
 */
final class DpsError extends Exception {
    private static final long serialVersionUID = 1L;

    /** Malformed request body or parameters. */
    static final int BAD_REQUEST = 400004;
    /** Authentication failed: unknown registration, wrong SAS, a certificate that does not chain. */
    static final int UNAUTHORIZED = 401002;
    /** Unknown path or operation. */
    static final int NOT_FOUND = 404201;
    static final int METHOD_NOT_ALLOWED = 405001;

    final int status;
    final int errorCode;

    DpsError(int status, int errorCode, String message) {
        super(message, null, false, false);
        this.status = status;
        this.errorCode = errorCode;
    }

    static DpsError badRequest(String message) {
        return new DpsError(400, BAD_REQUEST, message);
    }

    static DpsError unauthorized(String message) {
        return new DpsError(401, UNAUTHORIZED, message);
    }

    static DpsError notFound(String message) {
        return new DpsError(404, NOT_FOUND, message);
    }
}
