package io.provhsm.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
        Run run = run("--provider", "test-symmetric", "--junit-xml", xml.toString());
        assertEquals(0, run.code, run.out + run.err);
        assertTrue(run.out.contains("PASS           symmetric-key.function.sas-token-verifies"), run.out);
        assertTrue(run.out.contains("0 failed") && run.out.contains("CONFORMANT"), run.out);
        Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(xml.toFile());
        assertEquals("0", document.getDocumentElement().getAttribute("failures"));
        assertEquals(ConformanceKit.rules().size(), document.getElementsByTagName("testcase").getLength());
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
}
