package io.provhsm.dps;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.provhsm.InvalidInputException;
import io.provhsm.testing.TestVectors;
import io.provhsm.dps.SasToken.ResourceEncoding;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class SasTokenTest {
    private static final String REGISTRATION_ID = "p7hdpskqhxxvdtyowv2sksrq6ebtvvv26gsfdd24rvuz4cwa2yda";
    private static final String RESOURCE = "0ne00000A0A/registrations/" + REGISTRATION_ID;
    private static final long EXPIRY = 1_700_000_000L;

    private static byte[] k1() {
        return TestVectors.tpmHex("k1_hex");
    }

    private static Function<byte[], byte[]> signer(byte[] key) {
        return data -> HmacSha256.compute(key, data);
    }

    /** The expected HMAC, computed independently of the code under test. */
    private static byte[] jceHmac(byte[] key, String text) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void javaStyleTokenSignsTheResourceAsIsAndMatchesTheTpmVector() {
        SasToken token = SasToken.sign(RESOURCE, EXPIRY, SasToken.REGISTRATION_KEY_NAME, ResourceEncoding.AS_IS, signer(k1()));
        // the vector's dps_sas_payload is exactly this string-to-sign, HMACed by the TPM with K1
        assertArrayEquals(TestVectors.tpmMessage("dps_sas_payload"), SasToken.stringToSign(RESOURCE, EXPIRY));
        byte[] expected = TestVectors.tpmExpectedHmac("k1", "dps_sas_payload");
        assertArrayEquals(expected, token.signature());
        String sig = URLEncoder.encode(Base64.getEncoder().encodeToString(expected), StandardCharsets.UTF_8);
        assertEquals("SharedAccessSignature sr=" + RESOURCE + "&sig=" + sig + "&se=1700000000&skn=registration", token.value());
    }

    @Test
    void cStyleTokenSignsTheUrlEncodedResource() throws Exception {
        SasToken token = SasToken.sign(RESOURCE, EXPIRY, "registration", ResourceEncoding.URL_ENCODED, signer(k1()));
        String encodedResource = "0ne00000A0A%2fregistrations%2f" + REGISTRATION_ID;
        assertEquals(encodedResource, token.signedResource());
        assertEquals(RESOURCE, token.resource());
        byte[] expected = jceHmac(k1(), encodedResource + "\n" + EXPIRY);
        assertArrayEquals(expected, token.signature());
        String sig = Base64.getEncoder().encodeToString(expected).replace("+", "%2b").replace("/", "%2f").replace("=", "%3d");
        assertEquals("SharedAccessSignature sr=" + encodedResource + "&sig=" + sig + "&se=1700000000&skn=registration",
                token.value());
    }

    @Test
    void tokensWrittenByEitherClientVerifyOverSrExactlyAsReceived() throws Exception {
        byte[] key = k1();
        for (String sr : new String[] {RESOURCE, "0ne00000A0A%2Fregistrations%2F" + REGISTRATION_ID,
            "0ne00000A0A%2fregistrations%2f" + REGISTRATION_ID}) {
            String sig = URLEncoder.encode(Base64.getEncoder().encodeToString(jceHmac(key, sr + "\n" + EXPIRY)), StandardCharsets.UTF_8);
            SasToken token = SasToken.parse("SharedAccessSignature sr=" + sr + "&sig=" + sig + "&se=" + EXPIRY + "&skn=registration");
            assertEquals(sr, token.signedResource());
            assertEquals(RESOURCE, token.resource());
            assertTrue(token.signatureMatches(signer(key)), sr);
            assertTrue(token.verify(signer(key), EXPIRY - 1), sr);
            assertFalse(token.verify(signer(key), EXPIRY), "expired at its expiry second");
            assertFalse(token.verify(signer(TestVectors.tpmHex("k2_hex")), EXPIRY - 1), "another key");
        }
    }

    @Test
    void anEmptyKeyNameAsTheOfficialJavaClientSendsItIsAbsent() {
        SasToken signed = SasToken.sign(RESOURCE, EXPIRY, null, ResourceEncoding.AS_IS, signer(k1()));
        SasToken parsed = SasToken.parse(signed.value() + "&skn=");
        assertTrue(parsed.keyName().isEmpty());
        assertTrue(parsed.verify(signer(k1()), EXPIRY - 1));
        assertThrows(InvalidInputException.class, () -> SasToken.parse(signed.value() + "&skn=&skn="));
        assertThrows(InvalidInputException.class, () -> SasToken.parse(signed.value().replace("se=", "se=&x=")));
    }

    @Test
    void aTamperedExpiryOrResourceFailsVerification() {
        SasToken token = SasToken.sign(RESOURCE, EXPIRY, "registration", ResourceEncoding.AS_IS, signer(k1()));
        String laterExpiry = token.value().replace("se=1700000000", "se=1800000000");
        assertFalse(SasToken.parse(laterExpiry).signatureMatches(signer(k1())));
        String otherDevice = token.value().replace("registrations/p7", "registrations/q7");
        assertFalse(SasToken.parse(otherDevice).signatureMatches(signer(k1())));
        assertTrue(SasToken.parse(token.value()).signatureMatches(signer(k1())));
    }

    @Test
    void fieldsMayComeInAnyOrderAndSknIsOptional() {
        SasToken hub = SasToken.sign("hub.example.net/devices/dev1", 42, null, ResourceEncoding.URL_ENCODED, signer(k1()));
        assertEquals("hub.example.net%2fdevices%2fdev1", hub.signedResource());
        assertFalse(hub.value().contains("skn"));
        SasToken parsed = SasToken.parse(hub.value());
        assertEquals(hub, parsed);
        assertTrue(parsed.keyName().isEmpty());
        String sig = hub.value().substring(hub.value().indexOf("&sig=") + 5, hub.value().indexOf("&se="));
        SasToken reordered = SasToken.parse("SharedAccessSignature se=42&sig=" + sig + "&sr=hub.example.net%2fdevices%2fdev1");
        assertEquals(hub, reordered);
    }

    @Test
    void resourcesAreBuiltAsTheClientsBuildThem() {
        assertEquals(RESOURCE, SasToken.provisioningResource("0ne00000A0A", REGISTRATION_ID));
        assertEquals("myhub.azure-devices.net/devices/dev-1", SasToken.hubResource("myhub.azure-devices.net", "dev-1"));
        assertThrows(InvalidInputException.class, () -> SasToken.provisioningResource("0ne/x", REGISTRATION_ID));
        assertThrows(InvalidInputException.class, () -> SasToken.provisioningResource("0ne00000A0A", "Not Valid"));
        assertThrows(InvalidInputException.class, () -> SasToken.hubResource("", "dev-1"));
    }

    @Test
    void toStringHidesTheSignature() {
        SasToken token = SasToken.sign(RESOURCE, EXPIRY, "registration", ResourceEncoding.AS_IS, signer(k1()));
        String b64 = Base64.getEncoder().encodeToString(token.signature());
        assertFalse(token.toString().contains(b64.substring(0, 10)), token.toString());
        assertTrue(token.toString().contains("32 bytes, hidden"), token.toString());
    }

    @Test
    void malformedTokensAreRejectedNamingTheField() {
        String sig = "sig=" + URLEncoder.encode(Base64.getEncoder().encodeToString(new byte[32]), StandardCharsets.UTF_8);
        String[][] cases = {
            {"", "SAS token is empty"},
            {"Bearer abc", "SAS token does not start with 'SharedAccessSignature '"},
            {"SharedAccessSignature " + sig + "&se=1", "SAS token has no sr field"},
            {"SharedAccessSignature sr=a&se=1", "SAS token has no sig field"},
            {"SharedAccessSignature sr=a&" + sig, "SAS token has no se field"},
            {"SharedAccessSignature sr=a&sr=b&" + sig + "&se=1", "SAS token field sr appears twice"},
            {"SharedAccessSignature sr=a&" + sig + "&se=1&foo=2", "SAS token has unknown field 'foo'"},
            {"SharedAccessSignature sr=a&" + sig + "&se=1&", "SAS token field #4 is not name=value"},
            {"SharedAccessSignature sr=&" + sig + "&se=1", "SAS token field sr is empty"},
            {"SharedAccessSignature sr=a%2&" + sig + "&se=1", "SAS token field sr ends inside a %-escape at position 1"},
            {"SharedAccessSignature sr=a%zz&" + sig + "&se=1", "SAS token field sr has a bad %-escape at position 1"},
            {"SharedAccessSignature sr=a%ff&" + sig + "&se=1", "SAS token field sr does not decode to UTF-8"},
            {"SharedAccessSignature sr=a b&" + sig + "&se=1", "SAS token field sr has a space, control or non-ASCII character at position 1"},
            {"SharedAccessSignature sr=a&sig=****&se=1", "SAS token field sig is not URL-encoded base64"},
            {"SharedAccessSignature sr=a&" + sig + "&se=-1", "SAS token field se is not a number of seconds since the epoch: '-1'"},
            {"SharedAccessSignature sr=a&" + sig + "&se=99999999999999999999", "SAS token field se is not a number of seconds since the epoch: '99999999999999999999'"},
            {"SharedAccessSignature sr=a&" + sig + "&se=1&skn=a/b", "SAS key name 'a/b' must be 1 to 256 of A-Z a-z 0-9 - . _ ~"},
            {"SharedAccessSignature sr=" + "a".repeat(5000), "SAS token is 5025 characters; at most 4096"},
        };
        for (String[] c : cases) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> SasToken.parse(c[0]), c[1]);
            assertEquals(c[1], e.getMessage());
        }
    }

    @Test
    void signRejectsWhatCannotBeWrittenOrSigned() {
        assertThrows(InvalidInputException.class, () -> SasToken.sign("a&b", 1, null, ResourceEncoding.AS_IS, signer(k1())));
        assertThrows(InvalidInputException.class, () -> SasToken.sign("a", -1, null, ResourceEncoding.AS_IS, signer(k1())));
        assertThrows(InvalidInputException.class, () -> SasToken.sign("", 1, null, ResourceEncoding.AS_IS, signer(k1())));
        assertThrows(InvalidInputException.class, () -> SasToken.sign("a", 1, null, ResourceEncoding.AS_IS, data -> new byte[0]));
        assertEquals("a%26b", SasToken.sign("a&b", 1, null, ResourceEncoding.URL_ENCODED, signer(k1())).signedResource());
    }

    // ---- properties

    @Provide
    Arbitrary<String> asIsResources() {
        return Arbitraries.strings().withChars("abcxyzABC0123456789-._~:/@!$'()*+,;=").ofMinLength(1).ofMaxLength(200);
    }

    @Property(tries = 300)
    void parseOfAnAsIsTokenGivesItBack(@ForAll("asIsResources") String resource, @ForAll @LongRange(min = 0, max = 99_999_999_999L) long expiry,
                                       @ForAll boolean withKeyName) {
        SasToken token = SasToken.sign(resource, expiry, withKeyName ? "registration" : null, ResourceEncoding.AS_IS, signer(k1()));
        SasToken parsed = SasToken.parse(token.value());
        assertEquals(token, parsed);
        assertEquals(resource, parsed.resource());
        assertTrue(parsed.verify(signer(k1()), expiry - 1));
    }

    @Property(tries = 300)
    void parseOfAnUrlEncodedTokenGivesItBack(@ForAll @StringLength(min = 1, max = 200) String resource,
                                            @ForAll @LongRange(min = 0, max = 99_999_999_999L) long expiry) {
        if (!StandardCharsets.UTF_8.newEncoder().canEncode(resource)) {
            return; // unpaired surrogates have no UTF-8 form
        }
        SasToken token = SasToken.sign(resource, expiry, "registration", ResourceEncoding.URL_ENCODED, signer(k1()));
        SasToken parsed = SasToken.parse(token.value());
        assertEquals(token, parsed);
        assertEquals(resource, parsed.resource());
        assertTrue(parsed.signatureMatches(signer(k1())));
    }

    @Property(tries = 500)
    void randomTextIsRejectedOnlyAsInvalidInput(@ForAll @StringLength(max = 300) String text) {
        parsesOrRejects(text);
        parsesOrRejects("SharedAccessSignature " + text);
    }

    @Property(tries = 300)
    void truncatedTokensParseOrAreRejectedAsInvalidInput(@ForAll("asIsResources") String resource, @ForAll int cut) {
        String value = SasToken.sign(resource, EXPIRY, "registration", ResourceEncoding.AS_IS, signer(k1())).value();
        parsesOrRejects(value.substring(0, Math.floorMod(cut, value.length())));
    }

    @Property(tries = 100)
    void oversizedTokensAreRejected(@ForAll("asIsResources") String resource) {
        String value = SasToken.sign(resource, EXPIRY, "registration", ResourceEncoding.AS_IS, signer(k1())).value();
        String oversized = value + "&skn=" + "x".repeat(SasToken.MAX_LENGTH);
        assertThrows(InvalidInputException.class, () -> SasToken.parse(oversized));
    }

    private static void parsesOrRejects(String text) {
        SasToken token;
        try {
            token = SasToken.parse(text);
        } catch (InvalidInputException expected) {
            return;
        }
        assertEquals(text, token.value());
        assertEquals(token, SasToken.parse(token.value()));
    }

    @Test
    void signatureHexOfTheVectorIsStable() {
        // guards the vector itself: the TPM's HMAC of the SAS payload under K1
        assertEquals("bb576b29be264c8642141001eb8c216b34d45f2b9ef1074894184fcc526e92a2",
                HexFormat.of().formatHex(TestVectors.tpmExpectedHmac("k1", "dps_sas_payload")));
    }
}
