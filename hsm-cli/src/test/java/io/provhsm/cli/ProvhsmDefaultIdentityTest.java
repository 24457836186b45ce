package io.provhsm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.provhsm.Pem;
import io.provhsm.cli.ProvhsmProcess.Result;
import io.provhsm.dps.RegistrationIds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command, exactly: {@code provhsm identity} with no option, in a fresh home. The default is
 * the dice provider with a UDS created on first use in the user data directory; a second run prints the same.
 */
class ProvhsmDefaultIdentityTest {
    @TempDir
    Path home;

    /** The section of the human output after "name:" up to the next "name:" line. */
    private static String section(String out, String name) {
        int start = out.indexOf("\n" + name + ":\n");
        assertTrue(start >= 0, () -> "no " + name + " in\n" + out);
        String rest = out.substring(start + name.length() + 3);
        int end = rest.indexOf("\nrootCertificate:\n");
        return end < 0 ? rest : rest.substring(0, end + 1);
    }

    @Test
    void identityWithNoOptionIsTheDiceDefaultAndStaysTheSame() throws Exception {
        Result first = ProvhsmProcess.run(home, Map.of(), "identity");
        assertEquals(0, first.exitCode(), first::toString);
        assertEquals("", first.err(), first::toString);
        List<String> lines = first.out().lines().toList();
        assertEquals("provider: dice", lines.get(0), first::toString);
        assertEquals("mechanism: X509", lines.get(1), first::toString);
        String registrationId = lines.get(2).substring("registrationId: ".length());
        assertTrue(lines.get(2).startsWith("registrationId: ") && RegistrationIds.isValid(registrationId), first::toString);

        List<X509Certificate> chain = Pem.certificates(section(first.out(), "certificateChain"));
        List<X509Certificate> roots = Pem.certificates(section(first.out(), "rootCertificate"));
        assertTrue(chain.size() >= 2, first::toString);
        assertEquals(1, roots.size(), first::toString);
        X509Certificate root = roots.get(0);
        assertEquals("CN=" + registrationId, chain.get(0).getSubjectX500Principal().getName());
        // leaf first: each certificate is signed by the next, the last by the root CA printed
        for (int i = 0; i + 1 < chain.size(); i++) {
            assertEquals(chain.get(i + 1).getSubjectX500Principal(), chain.get(i).getIssuerX500Principal());
            chain.get(i).verify(chain.get(i + 1).getPublicKey());
        }
        X509Certificate last = chain.get(chain.size() - 1);
        if (!last.equals(root)) {
            last.verify(root.getPublicKey());
        }
        root.verify(root.getPublicKey());
        opensslVerifies(chain, root);

        // the UDS was created owner-only in the temporary home's data directory
        Path uds = home.resolve(".local/share/provhsm/dice-uds");
        assertTrue(Files.isRegularFile(uds), () -> "no UDS at " + uds);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(uds)));

        Result second = ProvhsmProcess.run(home, Map.of(), "identity");
        assertEquals(0, second.exitCode(), second::toString);
        assertEquals(first.out(), second.out());
    }

    /** openssl, an independent checker: the leaf verifies through the chain to the root. */
    private void opensslVerifies(List<X509Certificate> chain, X509Certificate root) throws Exception {
        Path rootFile = Files.writeString(home.resolve("root.pem"), Pem.certificate(root));
        Path leafFile = Files.writeString(home.resolve("leaf.pem"), Pem.certificate(chain.get(0)));
        StringBuilder intermediates = new StringBuilder();
        chain.subList(1, chain.size()).forEach(c -> intermediates.append(Pem.certificate(c)));
        Path untrusted = Files.writeString(home.resolve("untrusted.pem"), intermediates.toString());
        Process process = new ProcessBuilder("openssl", "verify", "-CAfile", rootFile.toString(), "-untrusted",
                untrusted.toString(), leafFile.toString()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0, "openssl verify: " + output);
        assertEquals(leafFile + ": OK", output.strip());
    }
}
