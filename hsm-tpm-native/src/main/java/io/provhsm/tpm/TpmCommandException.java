package io.provhsm.tpm;

import io.provhsm.HsmException;
import tss.tpm.TPM_RC;

/** The TPM answered a command with an error; the message names the command, its subject and the code. */
public class TpmCommandException extends HsmException {
    private static final long serialVersionUID = 1L;
    private final int responseCode;

    TpmCommandException(String message, int responseCode) {
        super(message);
        this.responseCode = responseCode;
    }

    /** The raw TPM response code. */
    public int responseCode() {
        return responseCode;
    }

    boolean is(TPM_RC code) {
        return TpmResponseCodes.is(responseCode, code);
    }
}
