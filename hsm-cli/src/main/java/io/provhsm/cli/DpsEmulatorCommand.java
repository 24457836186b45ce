package io.provhsm.cli;

import io.provhsm.HsmConfigException;
import io.provhsm.InvalidInputException;
import io.provhsm.Pem;
import io.provhsm.dps.HmacSha256;
import io.provhsm.dps.SymmetricKeys;
import io.provhsm.tck.dps.DpsEmulator;
import io.provhsm.tck.service.AttestationException;
import io.provhsm.tck.service.CaVerification;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Starts the local provisioning-service emulator for offline rehearsals of enrolment. */
@Command(name = "dps-emulator", description = "Run a provisioning-service emulator on 127.0.0.1 (HTTPS) with in-memory enrollments.")
final class DpsEmulatorCommand implements Callable<Integer> {
    private static final int MAX_KEY_FILE_BYTES = 4096;
    private static final List<String> KINDS = List.of("tpm", "x509", "x509-ca", "symmetric", "symmetric-group");

    @Spec
    CommandSpec spec;

    @Option(names = "--port", required = true, paramLabel = "P", description = "port on 127.0.0.1 (0: any free port)")
    int port;

    @Option(names = "--id-scope", paramLabel = "SCOPE", defaultValue = "0ne00000001", description = "ID scope (default ${DEFAULT-VALUE})")
    String idScope;

    @Option(names = "--enroll", paramLabel = "KIND:VALUE", description = {
        "an enrollment (repeatable):",
        "  tpm:BASE64_EK (as `provhsm identity` prints it)",
        "  x509:LEAF.pem (individual)",
        "  x509-ca:CA.pem (group; the operator vouches for the CA, no proof of possession is asked)",
        "  symmetric:REGISTRATION_ID:KEY",
        "  symmetric-group:GROUP_ID:KEY",
        "where KEY is @FILE (a file holding the base64 key, readable by its owner only),",
        "  env:NAME (an environment variable holding the base64 key),",
        "  or the base64 key itself: only for throwaway test keys, since the command line is visible to",
        "  every user (ps, /proc) and kept in shell history"})
    List<String> enroll = new ArrayList<>();

    @Option(names = "--server-cert-out", paramLabel = "FILE", description = "write the server certificate (PEM) here, for `register --trust-cert`")
    Path serverCertOut;

    @Option(names = "--polls", paramLabel = "N", defaultValue = "0", description = "answers 'assigning' before 'assigned' (default ${DEFAULT-VALUE})")
    int polls;

    @Option(names = "--stop-after", paramLabel = "SECONDS", defaultValue = "0", description = "stop after this long (default: run until interrupted)")
    long stopAfterSeconds;

    @Override
    public Integer call() throws IOException {
        if (port < 0 || port > 65535) {
            throw new HsmConfigException("--port " + port + " is not 0..65535");
        }
        PrintWriter out = spec.commandLine().getOut();
        try (DpsEmulator emulator = DpsEmulator.builder().port(port).idScope(idScope).pollsBeforeAssigned(polls).withHubStandIn().start()) {
            List<String> enrolled = new ArrayList<>();
            for (String entry : enroll) {
                enrolled.add(enroll(emulator, entry));
            }
            if (serverCertOut != null) {
                // written whole, then renamed: a script waiting for the file never reads half of it
                Path partial = serverCertOut.resolveSibling(serverCertOut.getFileName() + ".partial");
                Files.writeString(partial, Pem.certificate(emulator.serverCertificate()));
                Files.move(partial, serverCertOut, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            new Report().put("endpoint", emulator.globalEndpoint()).put("idScope", emulator.idScope())
                    .put("assignedHub", emulator.assignedHub()).put("enrollments", enrolled)
                    .put("serverCertificate", serverCertOut != null ? serverCertOut.toString() : Pem.certificate(emulator.serverCertificate()))
                    .print(out, false);
            out.println("serving; stop with Ctrl-C");
            out.flush();
            CountDownLatch never = new CountDownLatch(1);
            try {
                if (stopAfterSeconds > 0) {
                    never.await(stopAfterSeconds, TimeUnit.SECONDS);
                } else {
                    never.await();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return ExitCode.OK;
    }

    private static String enroll(DpsEmulator emulator, String entry) {
        int colon = entry.indexOf(':');
        if (colon <= 0) {
            // the argument may be a pasted key: never echo it
            throw new HsmConfigException("--enroll: an argument is not KIND:VALUE (not shown)");
        }
        String kind = entry.substring(0, colon);
        String value = entry.substring(colon + 1);
        if (!KINDS.contains(kind)) {
            // only a known kind is shown: what precedes the colon may be part of a secret
            throw new HsmConfigException("--enroll: an argument's kind (not shown) is not one of " + String.join(", ", KINDS));
        }
        switch (kind) {
            case "tpm" -> {
                return "tpm " + emulator.enrollTpm(base64(value, "--enroll tpm: endorsement key")).registrationId();
            }
            case "x509" -> {
                try {
                    return "x509 " + emulator.enrollX509(certificate(kind, value)).registrationId();
                } catch (AttestationException e) {
                    throw new InvalidInputException("--enroll x509:" + value + ": " + e.getMessage());
                }
            }
            case "x509-ca" -> {
                X509Certificate ca = certificate(kind, value);
                String group = "group-" + Integer.toHexString(ca.getSubjectX500Principal().hashCode());
                emulator.enrollX509Group(group, CaVerification.vouchedFor(ca));
                return "x509-ca " + group + " (" + ca.getSubjectX500Principal() + ")";
            }
            case "symmetric", "symmetric-group" -> {
                int second = value.indexOf(':');
                if (second <= 0) {
                    throw new HsmConfigException("--enroll " + kind + ": needs ID:KEY (KEY: @FILE, env:NAME or base64)");
                }
                String id = value.substring(0, second);
                byte[] key = symmetricKey(value.substring(second + 1), "--enroll " + kind + ":" + id + " key");
                try {
                    if (kind.equals("symmetric")) {
                        emulator.enrollSymmetricKey(id, key);
                    } else {
                        emulator.enrollSymmetricKeyGroup(id, key);
                    }
                } finally {
                    HmacSha256.wipe(key);
                }
                return kind + " " + id;
            }
            default -> throw new IllegalStateException("kind " + kind + " is in KINDS but has no case");
        }
    }

    /**
     * The key of a symmetric enrollment from {@code @FILE}, {@code env:NAME} or inline base64 (base64 has neither
     * '@' nor ':', so the forms cannot be confused). Messages name the source, never the key.
     */
    private static byte[] symmetricKey(String source, String what) {
        if (source.startsWith("@")) {
            return symmetricKeyFile(Path.of(source.substring(1)), what + " file " + source.substring(1));
        }
        if (source.startsWith("env:")) {
            String name = source.substring("env:".length());
            String text = name.isEmpty() ? null : System.getenv(name);
            if (text == null) {
                throw new HsmConfigException(what + ": environment variable '" + name + "' is not set");
            }
            return SymmetricKeys.decode(text, what + " (environment variable " + name + ")");
        }
        return SymmetricKeys.decode(source, what);
    }

    /** Reads an owner-only base64 key file. */
    private static byte[] symmetricKeyFile(Path file, String what) {
        byte[] bytes = InputFiles.readOwnerOnly(file, what, MAX_KEY_FILE_BYTES);
        char[] text = new char[bytes.length];
        try {
            for (int i = 0; i < bytes.length; i++) {
                text[i] = (char) (bytes[i] & 0xff);
            }
            return SymmetricKeys.decode(text, what);
        } finally {
            HmacSha256.wipe(bytes);
            Arrays.fill(text, '\0');
        }
    }

    private static byte[] base64(String text, String what) {
        try {
            return Base64.getDecoder().decode(text.strip());
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(what + " is not base64");
        }
    }

    private static X509Certificate certificate(String kind, String file) {
        String source = "--enroll " + kind + ":" + file;
        List<X509Certificate> certificates = Pem.certificates(InputFiles.readString(Path.of(file), source));
        if (certificates.isEmpty()) {
            throw new InvalidInputException(source + " holds no PEM certificate");
        }
        return certificates.get(0);
    }
}
