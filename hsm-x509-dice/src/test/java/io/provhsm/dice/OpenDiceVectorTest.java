package io.provhsm.dice;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import io.provhsm.dice.crypto.P256;
import io.provhsm.testing.TestVectors;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import org.bouncycastle.asn1.x509.Certificate;
import org.junit.jupiter.api.Test;

/** The Open Profile for DICE known answer p256_zero_input.json, checked byte for byte. */
class OpenDiceVectorTest {
    private static final HexFormat HEX = HexFormat.of();

    static JsonObject vector() {
        return TestVectors.openDice("p256_zero_input.json");
    }

    @Test
    void zeroInputReproducesCdisAndToBeSignedBytesAndTheSignatureVerifies() throws Exception {
        JsonObject vector = vector();
        JsonObject in = vector.getAsJsonObject("inputs");
        JsonObject expected = vector.getAsJsonObject("expected");
        DiceInputs inputs = DiceLayerInputsJson.parse(in);

        OpenDice.LayerOutput out = OpenDice.layer(HEX.parseHex(in.get("current_cdi_attest").getAsString()),
                HEX.parseHex(in.get("current_cdi_seal").getAsString()), inputs);

        assertEquals(expected.get("cdi_attest").getAsString(), HEX.formatHex(out.cdiAttest()));
        assertEquals(expected.get("cdi_seal").getAsString(), HEX.formatHex(out.cdiSeal()));

        byte[] expectedDer = HEX.parseHex(expected.get("x509_p256_cert_der").getAsString());
        Certificate expectedCert = Certificate.getInstance(expectedDer);
        Certificate actualCert = Certificate.getInstance(out.certificateDer());
        byte[] expectedTbs = expectedCert.getTBSCertificate().getEncoded("DER");
        assertEquals(HEX.formatHex(expectedTbs), HEX.formatHex(actualCert.getTBSCertificate().getEncoded("DER")));

        // the signature verifies under the issuer key (derived from the UDS = current CDI_Attest)
        byte[] issuerPoint = OpenDice.keyPair(HEX.parseHex(in.get("current_cdi_attest").getAsString()), "Key Pair").publicPoint();
        byte[] signature = actualCert.getSignature().getOctets();
        assertTrue(P256.verify(issuerPoint, P256.sha256(expectedTbs), signature));
        // and so does the reference's own signature: same issuer key
        assertTrue(P256.verify(issuerPoint, P256.sha256(expectedTbs), expectedCert.getSignature().getOctets()));

        X509Certificate parsed = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(out.certificateDer()));
        parsed.verify(P256.jcaPublicKey(issuerPoint));
    }

    @Test
    void deterministicSignatureMatchesTheReferenceCertificateExactly() {
        JsonObject vector = vector();
        JsonObject in = vector.getAsJsonObject("inputs");
        OpenDice.LayerOutput out = OpenDice.layer(new byte[32], new byte[32], DiceLayerInputsJson.parse(in));
        assertEquals(vector.getAsJsonObject("expected").get("x509_p256_cert_der").getAsString(), HEX.formatHex(out.certificateDer()));
    }
}
