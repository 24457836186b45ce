package io.provhsm.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/** The command line: report, JUnit XML that an XML parser reads, and the exit codes. */
class ConformanceMainTest {
    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = ConformanceMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void conformantProviderExitsZeroAndWritesJunitXml() throws Exception {
        Path xml = dir.resolve("out/TEST-tck.xml");
        Run run = run("--provider", "test-symmetric", "--junit-xml", xml.toString(), "--allow-identity-replacement");
        assertEquals(0, run.code, run.out + run.err);
        assertTrue(run.out.contains("PASS           symmetric-key.function.sas-token-verifies"), run.out);
        assertTrue(run.out.contains("0 failed") && run.out.contains("CONFORMANT"), run.out);
        Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(xml.toFile());
        assertEquals("0", document.getDocumentElement().getAttribute("failures"));
        assertEquals(ConformanceKit.rules().size(), document.getElementsByTagName("testcase").getLength());
    }

    @Test
    void withoutTheOptInIdentityReplacingRulesAreNotApplicableAndTheReportSaysSoAtTheTop() throws Exception {
        Run run = run("--provider", "test-symmetric", "--junit-xml", dir.resolve("kept.xml").toString());
        assertEquals(0, run.code, run.out + run.err);
        String[] lines = run.out.split("\n");
        assertTrue(lines[1].equals("identity kept: 3 rules not run (NOT_APPLICABLE): " + ConformanceKit.REPLACES_IDENTITY), run.out);
        assertTrue(run.out.contains("NOT_APPLICABLE symmetric-key.function.sas-token-verifies: " + ConformanceKit.REPLACES_IDENTITY), run.out);
        assertTrue(run.out.contains("PASS           symmetric-key.persistence.same-identity-after-reopen"), run.out);
        assertTrue(ConformanceMain.usage().contains("--allow-identity-replacement"));
    }

    @Test
    void brokenProviderExitsOneNamingTheRule() throws Exception {
        Path xml = dir.resolve("broken.xml");
        Run run = run("--provider", "broken-wrong-cn", "--junit-xml", xml.toString());
        assertEquals(1, run.code, run.out + run.err);
        assertTrue(run.out.contains("FAIL           x509.contract.leaf-cn-is-registration-id: leaf CN 'someone-else'"), run.out);
        assertTrue(run.out.contains("NOT CONFORMANT"), run.out);
        assertTrue(Files.readString(xml).contains("<failure"), "JUnit XML records the failure");
    }

    /** A vendor's provider, compiled here and shipped as its own jar: the kit finds it only through --classpath. */
    private static final String VENDOR_PROVIDER = """
            package com.example.vendor;

            import io.provhsm.*;
            import io.provhsm.spi.*;
            import java.util.*;
            import javax.crypto.Mac;
            import javax.crypto.spec.SecretKeySpec;

            public final class VendorProvider implements HsmProvider {
                private static volatile String id = "vendor-device";
                private static volatile byte[] key = new byte[32];
                public String name() { return "vendor-symmetric"; }
                public Set<Mechanism> mechanisms() { return EnumSet.of(Mechanism.SYMMETRIC_KEY); }
                public Availability availability(HsmConfig config) { return Availability.available("vendor jar"); }
                public boolean selectableByDefault() { return false; }
                public Hsm open(Mechanism mechanism, HsmConfig config) {
                    return new SymmetricKeyHsm() {
                        private volatile boolean closed;
                        private void check() { if (closed) throw new IllegalStateException("closed"); }
                        public String registrationId() { check(); return id; }
                        public byte[] sign(byte[] data) {
                            check();
                            try {
                                Mac mac = Mac.getInstance("HmacSHA256");
                                mac.init(new SecretKeySpec(key, "HmacSHA256"));
                                return mac.doFinal(data);
                            } catch (Exception e) { throw new HsmException("sign failed", e); }
                        }
                        public synchronized void setKeyInfo(String registrationId, char[] base64Key) {
                            check();
                            io.provhsm.dps.RegistrationIds.requireValid(registrationId);
                            byte[] decoded;
                            try { decoded = Base64.getDecoder().decode(new String(base64Key)); }
                            catch (IllegalArgumentException e) { throw new InvalidInputException("key is not base64"); }
                            if (decoded.length == 0) throw new InvalidInputException("key is empty");
                            key = decoded;
                            id = registrationId;
                        }
                        public void close() { closed = true; }
                    };
                }
            }
            """;

    private Path vendorJar() throws Exception {
        Path src = dir.resolve("src/com/example/vendor/VendorProvider.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, VENDOR_PROVIDER);
        Path classes = dir.resolve("classes");
        Files.createDirectories(classes);
        int compiled = javax.tools.ToolProvider.getSystemJavaCompiler().run(null, null, null,
                "-classpath", System.getProperty("java.class.path"), "-d", classes.toString(), src.toString());
        assertEquals(0, compiled, "the vendor provider compiles");
        Path jar = dir.resolve("vendor.jar");
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new java.util.jar.JarEntry("META-INF/services/io.provhsm.spi.HsmProvider"));
            out.write("com.example.vendor.VendorProvider\n".getBytes(StandardCharsets.UTF_8));
            try (var files = Files.walk(classes)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    out.putNextEntry(new java.util.jar.JarEntry(classes.relativize(file).toString().replace('\\', '/')));
                    out.write(Files.readAllBytes(file));
                }
            }
        }
        return jar;
    }

    @Test
    void vendorJarIsFoundThroughClasspathOnly() throws Exception {
        Path jar = vendorJar();
        Run without = run("--provider", "vendor-symmetric", "--junit-xml", dir.resolve("a.xml").toString());
        assertEquals(3, without.code, without.out + without.err);
        Run with = run("--provider", "vendor-symmetric", "--classpath", jar.toString(), "--junit-xml", dir.resolve("b.xml").toString(),
                "--allow-identity-replacement");
        assertEquals(0, with.code, with.out + with.err);
        assertTrue(with.out.contains("7 passed, 0 failed, 22 not applicable: CONFORMANT"), with.out);
        assertTrue(with.out.contains("tpm: 11 rules not applicable (provider serves [SYMMETRIC_KEY], not TPM)"), with.out);
    }

    @Test
    void usageAndMissingProviderHaveTheirOwnExitCodes() {
        assertEquals(2, run().code);
        assertEquals(2, run("--provider").code);
        assertEquals(2, run("--provider", "test-x509", "--classpath", dir.resolve("missing.jar").toString()).code);
        assertEquals(2, run("--provider", "test-x509", "--config", "novalue").code);
        Run missing = run("--provider", "no-such-provider", "--junit-xml", dir.resolve("x.xml").toString());
        assertEquals(3, missing.code);
        assertTrue(missing.err.contains("no provider named 'no-such-provider'"), missing.err);
    }

    @Test
    void malformedConfigAndUnknownArgumentsAreNamedButTheirValuesNeverShown() {
        String secret = "c2VjcmV0LWhtYWMta2V5LW5ldmVyLXByaW50ZWQ=";
        Run bare = run("--provider", "test-x509", "--config", secret.replace("=", ""));
        assertEquals(2, bare.code);
        assertTrue(bare.err.contains("--config takes KEY=VALUE; an argument has no '=' (not shown)"), bare.err);
        // base64 padding makes a pasted secret look like KEY=VALUE
        Run padded = run("--provider", "test-x509", "--config", secret);
        assertEquals(2, padded.code);
        assertTrue(padded.err.contains("--config takes KEY=VALUE with a provhsm.* key; an argument's key is not one (not shown)"),
                padded.err);
        Run noKey = run("--provider", "test-x509", "--config", "=" + secret);
        assertEquals(2, noKey.code);
        assertTrue(noKey.err.contains("--config takes KEY=VALUE; an argument has no key before '='"), noKey.err);
        Run keyOnly = run("--provider", "test-x509", "--config", "provhsm.symmetric-key.key");
        assertEquals(2, keyOnly.code);
        assertTrue(keyOnly.err.contains("--config 'provhsm.symmetric-key.key' is not KEY=VALUE"), keyOnly.err);
        // a mistyped option leaves its KEY=SECRET argument unknown
        Run typo = run("--provider", "test-x509", "--confg", "provhsm.symmetric-key.key=" + secret);
        assertEquals(2, typo.code);
        assertTrue(typo.err.contains("unknown argument '--confg'"), typo.err);
        Run stray = run("--provider", "test-x509", "provhsm.symmetric-key.key=" + secret);
        assertTrue(stray.err.contains("unknown argument 'provhsm.symmetric-key.key=(value not shown)'"), stray.err);
        Run pasted = run("--provider", "test-x509", secret);
        assertTrue(pasted.err.contains("unknown argument (not shown)"), pasted.err);
        for (Run run : new Run[] {bare, padded, noKey, keyOnly, typo, stray, pasted}) {
            assertFalse(run.err.contains("c2VjcmV0"), run.err);
            assertFalse(run.out.contains("c2VjcmV0"), run.out);
        }
    }
}
