package io.provhsm.custom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.provhsm.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Keys written by the openssl command line (an independent encoder) parse, and sign for their public key. */
class PemPrivateKeysTest {
    @TempDir
    Path dir;

    private String openssl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0, command + ": " + output);
        return output;
    }

    @ParameterizedTest
    @CsvSource({
        "EC, EC PRIVATE KEY, 'ecparam -name prime256v1 -genkey -noout -out KEY'",
        "EC, EC PRIVATE KEY, 'ecparam -name secp384r1 -genkey -noout -out KEY'",
        "EC, PRIVATE KEY, 'genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out KEY'",
        "RSA, PRIVATE KEY, 'genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out KEY'",
        "RSA, RSA PRIVATE KEY, 'genrsa -traditional -out KEY 2048'",
    })
    void parsesWhatOpensslWrites(String algorithm, String label, String generate) throws Exception {
        Path key = dir.resolve("key.pem");
        openssl(generate.replace("KEY", key.toString()).split(" "));
        String pem = Files.readString(key);
        assertTrue(pem.startsWith("-----BEGIN " + label + "-----"), pem.substring(0, 40));
        Path pub = dir.resolve("pub.pem");
        openssl("pkey", "-in", key.toString(), "-pubout", "-out", pub.toString());
        String pubPem = Files.readString(pub);
        byte[] spki = Base64.getMimeDecoder().decode(pubPem.replaceAll("-----[A-Z ]+-----", ""));
        PublicKey publicKey = KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(spki));

        PrivateKey parsed = PemPrivateKeys.parse(pem.getBytes(StandardCharsets.US_ASCII));
        assertEquals(algorithm, parsed.getAlgorithm());
        String scheme = algorithm.equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
        Signature signer = Signature.getInstance(scheme);
        signer.initSign(parsed);
        signer.update("proof".getBytes(StandardCharsets.US_ASCII));
        Signature verifier = Signature.getInstance(scheme);
        verifier.initVerify(publicKey);
        verifier.update("proof".getBytes(StandardCharsets.US_ASCII));
        assertTrue(verifier.verify(signer.sign()), "parsed key does not match openssl's public key");
    }

    @org.junit.jupiter.api.Test
    void malformedKeysNameTheProblem() {
        InvalidInputException none = assertThrows(InvalidInputException.class, () -> PemPrivateKeys.parse("no key here".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("no PEM PRIVATE KEY, EC PRIVATE KEY or RSA PRIVATE KEY block (11 characters)", none.getMessage());
        String truncated = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----\n";
        InvalidInputException bad = assertThrows(InvalidInputException.class, () -> PemPrivateKeys.parse(truncated.getBytes(StandardCharsets.US_ASCII)));
        assertEquals("ECPrivateKey DER length 119 runs past the end at offset 0", bad.getMessage());
    }
}
