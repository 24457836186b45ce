package io.provhsm.custom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.provhsm.Hsms;
import io.provhsm.Mechanism;
import io.provhsm.TpmHsm;
import io.provhsm.spi.HsmConfig;
import io.provhsm.spi.HsmProvider;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's vendor path, end to end: vendorize.sh copies the module to a new project with another package
 * and provider name, Maven builds it offline, and the renamed provider is found by ServiceLoader from the jar
 * and serves the example library under its own settings.
 */
class TemplateCopyTest {
    @TempDir
    Path dir;

    private static Path moduleDir() {
        return Path.of(System.getProperty("provhsm.module.dir"));
    }

    private static String run(Path workDir, long timeoutSeconds, List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(timeoutSeconds, TimeUnit.SECONDS), command + " timed out:\n" + output);
        assertEquals(0, process.exitValue(), command + " failed:\n" + output);
        return output;
    }

    /** hsm-api is not published yet: the copy is built against this build's jar (made from its classes if needed). */
    private Path hsmApiJar() throws Exception {
        Path jar = Path.of(System.getProperty("provhsm.api.jar"));
        if (Files.isRegularFile(jar)) {
            return jar;
        }
        Path classes = jar.getParent().resolve("classes");
        Path made = dir.resolve("hsm-api.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(made)); Stream<Path> files = Files.walk(classes)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                out.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
                Files.copy(file, (OutputStream) out);
                out.closeEntry();
            }
        }
        return made;
    }

    @Test
    void vendorCopyBuildsAndLoadsUnderItsNewName() throws Exception {
        Path project = dir.resolve("acme-hsm");
        String created = run(moduleDir(), 60, List.of("bash", moduleDir().resolve("vendorize.sh").toString(), project.toString(),
                "com.acme.hsm", "acme"));
        assertTrue(created.contains("provider 'acme'"), created);
        assertTrue(Files.isRegularFile(project.resolve("native/template/custom_hsm_template.c")));
        assertTrue(Files.isRegularFile(project.resolve("native/include/hsm_client_data.h")));
        try (Stream<Path> files = Files.walk(project.resolve("src"))) {
            assertFalse(files.filter(Files::isRegularFile).anyMatch(f -> {
                try {
                    return Files.readString(f).contains("io.provhsm.custom");
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }), "the old package name survived the rename");
        }

        // the vendor pom pins what the parent pins
        String parent = Files.readString(moduleDir().resolve("../pom.xml"));
        String vendorPom = Files.readString(project.resolve("pom.xml"));
        for (String property : List.of("jna.version", "jnr-ffi.version", "auto-service.version")) {
            assertEquals(property(parent, property), property(vendorPom, property), property + " drifted from the parent pom");
        }
        String systemScoped = vendorPom.replace("<artifactId>hsm-api</artifactId><version>${provhsm.version}</version>",
                "<artifactId>hsm-api</artifactId><version>${provhsm.version}</version><scope>system</scope><systemPath>"
                        + hsmApiJar() + "</systemPath>");
        assertFalse(systemScoped.equals(vendorPom), "hsm-api dependency not found in the vendor pom");
        Files.writeString(project.resolve("pom.xml"), systemScoped);

        // offline holds: this reactor build already fetched into the same local repository the plugins and dependencies the copy pins
        run(project, 180, List.of("mvn", "-B", "-q", "-o", "-Dmaven.repo.local=" + System.getProperty("provhsm.maven.repo.local"),
                "package"));
        Path jar = project.resolve("target/acme-hsm-1.0.0-SNAPSHOT.jar");
        assertTrue(Files.isRegularFile(jar), "no jar built");

        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, getClass().getClassLoader())) {
            HsmProvider acme = Hsms.providers(loader).stream().filter(p -> p.name().equals("acme")).findFirst().orElseThrow(
                    () -> new AssertionError("renamed provider not found by ServiceLoader"));
            assertEquals("com.acme.hsm.CustomHsmProvider", acme.getClass().getName());
            assertEquals(loader, acme.getClass().getClassLoader());
            assertEquals("provhsm.acme.library is not set (system property provhsm.acme.library or environment PROVHSM_ACME_LIBRARY)",
                    acme.availability(HsmConfig.of(Map.of())).reason());

            String example = NativeLibraries.path(NativeLibraries.EXAMPLE);
            HsmConfig config = HsmConfig.of(Map.of("provhsm.provider", "acme", "provhsm.acme.library", example));
            try (TpmHsm renamed = (TpmHsm) Hsms.open(Hsms.select(Mechanism.TPM, config, loader), Mechanism.TPM, config);
                 TpmHsm original = (TpmHsm) new CustomHsmProvider().open(Mechanism.TPM, ExampleLibraryTest.config("jna"))) {
                assertArrayEquals(original.endorsementKey(), renamed.endorsementKey());
            }
        }
    }

    private static String property(String pom, String name) {
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</" + Pattern.quote(name) + ">").matcher(pom);
        assertTrue(m.find(), name + " not in pom");
        return m.group(1);
    }
}
