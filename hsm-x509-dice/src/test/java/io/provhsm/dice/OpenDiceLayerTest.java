package io.provhsm.dice;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.provhsm.InvalidInputException;
import io.provhsm.dice.crypto.P256;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;
import org.bouncycastle.asn1.ASN1Enumerated;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.ASN1UTF8String;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.Extension;
import org.junit.jupiter.api.Test;

/** The layer beyond the zero-input vector: descriptors, modes, and the inputs' effect on CDIs. */
class OpenDiceLayerTest {
    private static final ASN1ObjectIdentifier OPEN_DICE_INPUT = new ASN1ObjectIdentifier("1.3.6.1.4.1.11129.2.1.24");

    private static byte[] filled(int value) {
        byte[] b = new byte[64];
        java.util.Arrays.fill(b, (byte) value);
        return b;
    }

    @Test
    void descriptorConfigurationIsHashedIntoTheCdiAndShownWithItsHash() throws Exception {
        byte[] descriptor = "config: secure boot on".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] codeDescriptor = {1, 2, 3};
        byte[] authorityDescriptor = {4, 5};
        DiceInputs inputs = new DiceInputs(filled(1), codeDescriptor, DiceInputs.ConfigType.DESCRIPTOR, null, descriptor,
                filled(2), authorityDescriptor, DiceMode.DEBUG, filled(3));
        byte[] cdi = new byte[32];
        OpenDice.LayerOutput out = OpenDice.layer(cdi, cdi, inputs);

        byte[] descriptorHash = MessageDigest.getInstance("SHA-512").digest(descriptor);
        DiceInputs inline = new DiceInputs(filled(1), codeDescriptor, DiceInputs.ConfigType.INLINE, descriptorHash, null,
                filled(2), authorityDescriptor, DiceMode.DEBUG, filled(3));
        assertArrayEquals(OpenDice.cdiAttest(cdi, inline), out.cdiAttest(), "config value = H(descriptor)");

        Map<Integer, Object> fields = fields(out.certificateDer());
        assertArrayEquals(filled(1), (byte[]) fields.get(0));
        assertArrayEquals(codeDescriptor, (byte[]) fields.get(1));
        assertArrayEquals(descriptorHash, (byte[]) fields.get(2));
        assertArrayEquals(descriptor, (byte[]) fields.get(3));
        assertArrayEquals(filled(2), (byte[]) fields.get(4));
        assertArrayEquals(authorityDescriptor, (byte[]) fields.get(5));
        assertEquals(2, fields.get(6));
        assertEquals(OpenDice.PROFILE_NAME, fields.get(7));

        // the signature verifies under the key derived from the current CDI_Attest
        Certificate certificate = Certificate.getInstance(out.certificateDer());
        assertTrue(P256.verify(OpenDice.keyPair(cdi, "Key Pair").publicPoint(),
                P256.sha256(certificate.getTBSCertificate().getEncoded("DER")), certificate.getSignature().getOctets()));
    }

    @Test
    void sealingCdiIgnoresCodeAndConfigurationButAttestationDoesNot() {
        byte[] cdi = new byte[32];
        DiceInputs a = DiceInputs.zero(DiceMode.NORMAL);
        DiceInputs b = a.withCodeHash(filled(9));
        assertArrayEquals(OpenDice.cdiSeal(cdi, a), OpenDice.cdiSeal(cdi, b));
        assertNotEquals(java.util.HexFormat.of().formatHex(OpenDice.cdiAttest(cdi, a)),
                java.util.HexFormat.of().formatHex(OpenDice.cdiAttest(cdi, b)));
        assertFalse(java.util.Arrays.equals(OpenDice.cdiSeal(cdi, a), OpenDice.cdiSeal(cdi, DiceInputs.zero(DiceMode.DEBUG))));
    }

    @Test
    void inputsCompareByValue() {
        assertEquals(DiceInputs.zero(DiceMode.NORMAL), DiceInputs.zero(DiceMode.NORMAL).withCodeHash(new byte[64]));
        assertEquals(DiceInputs.zero(DiceMode.NORMAL).hashCode(), DiceInputs.zero(DiceMode.NORMAL).hashCode());
        assertNotEquals(DiceInputs.zero(DiceMode.NORMAL), DiceInputs.zero(DiceMode.NORMAL).withCodeHash(filled(1)));
        assertNotEquals(DiceInputs.zero(DiceMode.NORMAL), DiceInputs.zero(DiceMode.DEBUG));
    }

    @Test
    void wrongSizesAreRefusedNamingTheField() {
        assertTrue(assertThrows(InvalidInputException.class, () -> OpenDice.layer(new byte[31], new byte[32], DiceInputs.zero(DiceMode.NORMAL)))
                .getMessage().contains("current_cdi_attest"));
        assertTrue(assertThrows(InvalidInputException.class, () -> DiceInputs.zero(DiceMode.NORMAL).withCodeHash(new byte[32]))
                .getMessage().contains("code_hash must be 64 bytes, got 32"));
        Map<String, String> fields = new HashMap<>();
        fields.put("current_cdi_attest", "00".repeat(32));
        fields.put("bogus", "1");
        assertTrue(assertThrows(InvalidInputException.class, () -> LayerRequest.fromFields(fields)).getMessage().contains("bogus"));
    }

    /** OpenDiceInput fields by tag: octet strings as bytes, mode as int, profile name as string. */
    private static Map<Integer, Object> fields(byte[] certificateDer) {
        Extension extension = Certificate.getInstance(certificateDer).getTBSCertificate().getExtensions().getExtension(OPEN_DICE_INPUT);
        assertTrue(extension.isCritical());
        Map<Integer, Object> fields = new HashMap<>();
        for (var element : ASN1Sequence.getInstance(extension.getParsedValue())) {
            ASN1TaggedObject tagged = ASN1TaggedObject.getInstance(element);
            var inner = tagged.getExplicitBaseObject();
            Object value = inner instanceof ASN1OctetString o ? o.getOctets()
                    : inner instanceof ASN1Enumerated e ? e.intValueExact()
                    : ((ASN1UTF8String) inner).getString();
            fields.put(tagged.getTagNo(), value);
        }
        return fields;
    }
}
