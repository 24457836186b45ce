package io.provhsm.dice;

import io.provhsm.InvalidInputException;
import io.provhsm.dice.crypto.Der;
import io.provhsm.dice.crypto.EcKeyPair;
import io.provhsm.dice.crypto.Hkdf;
import io.provhsm.dice.crypto.HmacDrbg;
import io.provhsm.dice.crypto.P256;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.crypto.digests.SHA512Digest;

/**
 * The Open Profile for DICE with P-256 (google/open-dice, docs/specification.md): CDI derivation, asymmetric
 * key derivation, identifiers and the layer certificate. Thread-safe (stateless).
 */
public final class OpenDice {
    /** Size of a CDI and of the UDS. */
    public static final int CDI_SIZE = 32;
    /** Size of a certificate identifier. */
    public static final int ID_SIZE = 20;
    /** The profile name written into the OpenDiceInput extension (the reference's example build). */
    public static final String PROFILE_NAME = "opendice.example";

    // the salts are the specification's 64-byte constants
    private static final byte[] ASYM_SALT = HexFormat.of().parseHex(
            "63B6A04D2C077FC10F639F21DA793844356CC2B0B441B3A77124035C03F8E1BE"
            + "6035D31F282821A7450A02222AB1B3CFF1679B05AB1CA5D1AFFB789CCD2B0B3B");
    private static final byte[] ID_SALT = HexFormat.of().parseHex(
            "DBDBAEBC8020DA9FF0DD5A24C83AA5A54286DFC263031E329B4DA148430659FE"
            + "62CDB5B7E1E00FC680306711EB444AF77209359496FCFF1DB9520BA51C7B29EA");
    private static final byte[] OID_OPEN_DICE_INPUT = {0x2b, 0x06, 0x01, 0x04, 0x01, (byte) 0xd6, 0x79, 0x02, 0x01, 0x18};

    private OpenDice() {
    }

    /** What one layer hands to the next. */
    public record LayerOutput(byte[] cdiAttest, byte[] cdiSeal, byte[] certificateDer) {
        @Override
        public String toString() {
            return "LayerOutput[certificate " + certificateDer.length + " bytes]";
        }
    }

    /**
     * Runs one DICE layer: the next CDIs and the certificate of the next layer's key, issued by the key derived from
     * the current CDI_Attest (the UDS at layer 0).
     *
     * @throws InvalidInputException if a CDI is not {@value #CDI_SIZE} bytes
     */
    public static LayerOutput layer(byte[] currentCdiAttest, byte[] currentCdiSeal, DiceInputs inputs) {
        Layer layer = computeLayer(currentCdiAttest, currentCdiSeal, inputs);
        return new LayerOutput(layer.cdiAttest(), layer.cdiSeal(), layer.certificateDer());
    }

    /** A layer with the key pairs and identifiers kept, for callers that issue more certificates. */
    record Layer(byte[] cdiAttest, byte[] cdiSeal, EcKeyPair authorityKey, byte[] authorityId, EcKeyPair subjectKey,
                 byte[] subjectId, byte[] certificateDer) {
    }

    static Layer computeLayer(byte[] currentCdiAttest, byte[] currentCdiSeal, DiceInputs inputs) {
        requireCdi("current_cdi_attest", currentCdiAttest);
        requireCdi("current_cdi_seal", currentCdiSeal);
        EcKeyPair authorityKey = keyPair(currentCdiAttest, "Key Pair");
        return computeLayer(authorityKey, id(authorityKey.publicPoint()), currentCdiAttest, currentCdiSeal, inputs);
    }

    /** Same, with the authority key already derived (it depends on the current CDI_Attest only). */
    static Layer computeLayer(EcKeyPair authorityKey, byte[] authorityId, byte[] currentCdiAttest, byte[] currentCdiSeal,
                              DiceInputs inputs) {
        byte[] cdiAttest = cdiAttest(currentCdiAttest, inputs);
        byte[] cdiSeal = cdiSeal(currentCdiSeal, inputs);
        EcKeyPair subjectKey = keyPair(cdiAttest, "Key Pair");
        byte[] subjectId = id(subjectKey.publicPoint());
        byte[] tbs = CertificateSigner.tbs(subjectId, X509Extensions.serialNumberName(authorityId),
                X509Extensions.serialNumberName(subjectId), subjectKey.subjectPublicKeyInfo(),
                X509Extensions.authorityKeyId(authorityId),
                X509Extensions.subjectKeyId(subjectId),
                X509Extensions.keyUsage(X509Extensions.KEY_CERT_SIGN),
                X509Extensions.basicConstraintsCa(),
                openDiceInputExtension(inputs, true));
        return new Layer(cdiAttest, cdiSeal, authorityKey, authorityId, subjectKey, subjectId,
                CertificateSigner.sign(tbs, authorityKey));
    }

    /** CDI_Attest = KDF(32, current CDI_Attest, H(code_hash || config_value || authority_hash || mode || hidden), "CDI_Attest"). */
    public static byte[] cdiAttest(byte[] currentCdiAttest, DiceInputs inputs) {
        byte[] configValue = inputs.configType() == DiceInputs.ConfigType.INLINE
                ? inputs.configValue() : sha512(inputs.configDescriptor());
        byte[] salt = sha512(inputs.codeHash(), configValue, inputs.authorityHash(),
                new byte[] {(byte) inputs.mode().value()}, inputs.hidden());
        return Hkdf.sha512(CDI_SIZE, currentCdiAttest, salt, "CDI_Attest");
    }

    /** CDI_Seal = KDF(32, current CDI_Seal, H(authority_hash || mode || hidden), "CDI_Seal"). */
    public static byte[] cdiSeal(byte[] currentCdiSeal, DiceInputs inputs) {
        byte[] salt = sha512(inputs.authorityHash(), new byte[] {(byte) inputs.mode().value()}, inputs.hidden());
        return Hkdf.sha512(CDI_SIZE, currentCdiSeal, salt, "CDI_Seal");
    }

    /**
     * Asymmetric key derivation: seed = KDF(32, input, ASYM_SALT, label), then an HMAC_DRBG-SHA512 seeded with it
     * draws the private scalar as mbedtls does (first 32-byte output, redrawn while not in [1, n-1]).
     * The profile's label is "Key Pair"; other labels separate keys this provider adds on top.
     */
    public static EcKeyPair keyPair(byte[] input, String label) {
        byte[] seed = Hkdf.sha512(CDI_SIZE, input, ASYM_SALT, label);
        HmacDrbg drbg = new HmacDrbg(new SHA512Digest(), seed);
        byte[] candidate = new byte[32];
        try {
            while (true) {
                drbg.generate(candidate);
                BigInteger d = new BigInteger(1, candidate);
                if (P256.isPrivateScalar(d)) {
                    return EcKeyPair.fromPrivateScalar(d);
                }
            }
        } finally {
            drbg.wipe();
            Arrays.fill(seed, (byte) 0);
            Arrays.fill(candidate, (byte) 0);
        }
    }

    /**
     * ID = KDF(20, public key, ID_SALT, "ID") with the top bit cleared (a positive serial number). The public key is
     * the raw X || Y (64 bytes) as the reference's P-256 operations represent it.
     *
     * @param publicPoint the uncompressed point 04 || X || Y
     */
    public static byte[] id(byte[] publicPoint) {
        byte[] id = Hkdf.sha512(ID_SIZE, Arrays.copyOfRange(publicPoint, 1, publicPoint.length), ID_SALT, "ID");
        id[0] &= 0x7f;
        return id;
    }

    /** The OpenDiceInput extension (critical in the profile's own certificates). */
    static byte[] openDiceInputExtension(DiceInputs inputs, boolean critical) {
        return X509Extensions.extension(OID_OPEN_DICE_INPUT, critical, openDiceInput(inputs));
    }

    /** A 20-byte positive serial number for another certificate of the same key: KDF(20, X || Y, ID_SALT, label). */
    static byte[] certificateSerial(byte[] publicPoint, String label) {
        byte[] serial = Hkdf.sha512(ID_SIZE, Arrays.copyOfRange(publicPoint, 1, publicPoint.length), ID_SALT, label);
        serial[0] &= 0x7f;
        return serial;
    }

    /** The OpenDiceInput extension value; optional fields follow the inputs as in the reference. */
    static byte[] openDiceInput(DiceInputs inputs) {
        byte[] codeDescriptor = inputs.codeDescriptor();
        byte[] authorityDescriptor = inputs.authorityDescriptor();
        boolean descriptor = inputs.configType() == DiceInputs.ConfigType.DESCRIPTOR;
        return Der.sequence(
                Der.explicit(0, Der.octetString(inputs.codeHash())),
                codeDescriptor.length > 0 ? Der.explicit(1, Der.octetString(codeDescriptor)) : new byte[0],
                descriptor ? Der.explicit(2, Der.octetString(sha512(inputs.configDescriptor()))) : new byte[0],
                Der.explicit(3, Der.octetString(descriptor ? inputs.configDescriptor() : inputs.configValue())),
                Der.explicit(4, Der.octetString(inputs.authorityHash())),
                authorityDescriptor.length > 0 ? Der.explicit(5, Der.octetString(authorityDescriptor)) : new byte[0],
                Der.explicit(6, Der.tlv(Der.ENUMERATED, new byte[] {(byte) inputs.mode().value()})),
                Der.explicit(7, Der.utf8(PROFILE_NAME)));
    }

    static byte[] sha512(byte[]... parts) {
        SHA512Digest digest = new SHA512Digest();
        for (byte[] part : parts) {
            digest.update(part, 0, part.length);
        }
        byte[] out = new byte[64];
        digest.doFinal(out, 0);
        return out;
    }

    private static void requireCdi(String field, byte[] cdi) {
        if (cdi == null || cdi.length != CDI_SIZE) {
            throw new InvalidInputException(field + " must be " + CDI_SIZE + " bytes, got " + (cdi == null ? "none" : cdi.length));
        }
    }
}
