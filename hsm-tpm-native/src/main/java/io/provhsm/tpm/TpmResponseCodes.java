package io.provhsm.tpm;

import tss.tpm.TPM_RC;

/** Reads TPM 2.0 response codes (Part 2, 6.6): the base error, and which handle, session or parameter it names. */
final class TpmResponseCodes {
    static final int SUCCESS = 0;
    static final int INITIALIZE = 0x100;
    static final int LOCKOUT = 0x921;
    private static final int FORMAT_ONE = 0x080;

    private TpmResponseCodes() {
    }

    /** The base code: format-1 errors without their handle/session/parameter number, warnings with their bit. */
    static int base(int rc) {
        if ((rc & 0xffff0000) != 0) {
            return rc; // a TSS or resource-manager layer code, not the TPM's
        }
        return (rc & FORMAT_ONE) != 0 ? (rc & 0xbf) : (rc & 0x97f);
    }

    static boolean is(int rc, TPM_RC code) {
        return base(rc) == code.toInt();
    }

    /** "TPM_RC_INTEGRITY (0x9a2, parameter 2)". */
    static String describe(int rc) {
        StringBuilder text = new StringBuilder();
        int base = base(rc);
        String name = null;
        if ((rc & 0xffff0000) == 0) {
            try {
                TPM_RC known = TPM_RC.fromInt(base);
                name = known.name().replace("{", "").replace("}", "");
            } catch (RuntimeException ignored) {
                // an unknown code keeps its hex form only
            }
        }
        if (name != null && !name.matches("-?\\d+") && !name.startsWith("0x")) {
            text.append(name.startsWith("TPM_RC_") ? name : "TPM_RC_" + name).append(' ');
        } else if ((rc & 0xffff0000) != 0) {
            text.append("layer ").append((rc >>> 16) & 0xff).append(" code ");
        }
        text.append("(0x").append(Integer.toHexString(rc));
        if ((rc & 0xffff0000) == 0 && (rc & FORMAT_ONE) != 0) {
            int number = (rc >>> 8) & 0xf;
            if ((rc & 0x40) != 0) {
                text.append(", parameter ").append(number);
            } else if ((number & 0x8) != 0) {
                text.append(", session ").append(number & 0x7);
            } else if (number != 0) {
                text.append(", handle ").append(number);
            }
        }
        return text.append(')').toString();
    }
}
