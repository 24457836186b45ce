package io.provhsm.tpm;

import java.util.HexFormat;
import tss.tpm.TPM2B_PUBLIC_KEY_RSA;
import tss.tpm.TPMA_OBJECT;
import tss.tpm.TPMS_NULL_ASYM_SCHEME;
import tss.tpm.TPMS_RSA_PARMS;
import tss.tpm.TPMT_PUBLIC;
import tss.tpm.TPMT_SYM_DEF_OBJECT;
import tss.tpm.TPM_ALG_ID;

/**
 * The handles and key templates of the Azure IoT C SDK's TPM device code (specs/dps-tpm-attestation.md).
 * The EK template has an <em>empty</em> unique field, unlike the TCG default that tpm2_createek uses.
 */
final class TpmKeyTemplates {
    static final int EK_HANDLE = 0x81010001;
    static final int SRK_HANDLE = 0x81000001;
    static final int IDENTITY_HANDLE = 0x81000100;

    /** PolicySecret(TPM_RH_ENDORSEMENT): the TCG EK policy. */
    static final byte[] EK_POLICY =
            HexFormat.of().parseHex("837197674484b3f81a90cc8d46a5d724fd52d76e06520b64f2a1da1b331469aa");
    static final int EK_ATTRIBUTES = 0x000300B2;
    static final int SRK_ATTRIBUTES = 0x00030472;
    private static final int RSA_BITS = 2048;

    private TpmKeyTemplates() {
    }

    static TPMT_PUBLIC endorsementKey() {
        return rsaStorageTemplate(EK_ATTRIBUTES, EK_POLICY);
    }

    static TPMT_PUBLIC storageRootKey() {
        return rsaStorageTemplate(SRK_ATTRIBUTES, new byte[0]);
    }

    private static TPMT_PUBLIC rsaStorageTemplate(int attributes, byte[] policy) {
        TPMS_RSA_PARMS parameters = new TPMS_RSA_PARMS(
                new TPMT_SYM_DEF_OBJECT(TPM_ALG_ID.AES, 128, TPM_ALG_ID.CFB), new TPMS_NULL_ASYM_SCHEME(), RSA_BITS, 0);
        return new TPMT_PUBLIC(TPM_ALG_ID.SHA256, new TPMA_OBJECT(attributes), policy.clone(), parameters,
                new TPM2B_PUBLIC_KEY_RSA(new byte[0]));
    }

    /**
     * Why a persisted object cannot serve as EK or SRK (it must be an RSA-2048 restricted decryption key,
     * the kind ActivateCredential and Import need), or null if it can.
     */
    static String unsuitableStorageKey(TPMT_PUBLIC area) {
        if (area.type() != TPM_ALG_ID.RSA || !(area.parameters instanceof TPMS_RSA_PARMS rsa)) {
            return "it is a " + area.type() + " object, not an RSA key";
        }
        if (rsa.keyBits != RSA_BITS) {
            return "it is RSA-" + rsa.keyBits + ", not RSA-2048";
        }
        if (!area.objectAttributes.hasAttr(TPMA_OBJECT.restricted) || !area.objectAttributes.hasAttr(TPMA_OBJECT.decrypt)) {
            return "it is not a restricted decryption (storage) key (attributes 0x"
                    + Integer.toHexString(area.objectAttributes.toInt()) + ")";
        }
        return null;
    }

    /** Why a persisted object at the identity handle is not an identity key (a KEYEDHASH signing key), or null. */
    static String unsuitableIdentityKey(TPMT_PUBLIC area) {
        if (area.type() != TPM_ALG_ID.KEYEDHASH) {
            return "it is a " + area.type() + " object, not a KEYEDHASH (HMAC) key";
        }
        if (!area.objectAttributes.hasAttr(TPMA_OBJECT.sign)) {
            return "it is a KEYEDHASH object without the sign attribute";
        }
        return null;
    }

    static String hex(int handle) {
        return String.format("0x%08x", handle);
    }
}
