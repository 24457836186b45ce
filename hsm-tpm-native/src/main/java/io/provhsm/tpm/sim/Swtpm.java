package io.provhsm.tpm.sim;

import io.provhsm.HsmUnavailableException;
import io.provhsm.spi.OwnerOnlyFiles;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One swtpm process (the TPM 2.0 simulator) serving a state directory on two loopback ports:
 * the data port (TPM commands) and the control port. Started with {@code not-need-init,startup-clear},
 * so the TPM is ready for commands; stopped through its control channel, then by PID.
 *
 * <p>Used by the {@code tpm-simulator} provider and by tests of this and other modules, each starting
 * its own instance on free ports with its own state directory (swtpm serves one client at a time).
 */
public final class Swtpm implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Swtpm.class.getName());
    /** swtpm control-channel command that makes it store its state and exit (CMD_SHUTDOWN). */
    private static final int CMD_SHUTDOWN = 3;
    private static final long START_TIMEOUT_MS = 10_000;
    /** Instances still running when the JVM exits are shut down (a lingering swtpm would keep its state locked). */
    private static final java.util.Set<Swtpm> RUNNING = java.util.concurrent.ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Swtpm::stop), "swtpm-shutdown"));
    }

    private final Path stateDir;
    private final String executable;
    private final boolean startupClear;
    private final int dataPort;
    private final int controlPort;
    private Process process;

    private Swtpm(String executable, Path stateDir, int dataPort, int controlPort, boolean startupClear) {
        this.executable = executable;
        this.startupClear = startupClear;
        this.stateDir = stateDir;
        this.dataPort = dataPort;
        this.controlPort = controlPort;
    }

    /** The swtpm executable on the PATH, if installed. */
    public static Optional<Path> executable() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, "swtpm");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    public static boolean installed() {
        return executable().isPresent();
    }

    /** Starts swtpm on free loopback ports serving {@code stateDir} (created owner-only if missing), TPM started up. */
    public static Swtpm start(Path stateDir) {
        return start(stateDir, true);
    }

    /**
     * Like {@link #start(Path)}; with {@code startupClear} false, TPM2_Startup is left to the client, as on a
     * TPM whose firmware did not send it.
     */
    public static Swtpm start(Path stateDir, boolean startupClear) {
        Path exe = executable().orElseThrow(() -> new HsmUnavailableException(
                "swtpm is not installed (no 'swtpm' on the PATH); install the Debian packages swtpm and swtpm-tools"));
        createOwnerOnlyDirectory(stateDir);
        HsmUnavailableException last = null;
        // Free ports are only free until someone takes them: retry with new ones if swtpm cannot bind.
        for (int attempt = 0; attempt < 5; attempt++) {
            int[] ports = freePortPair();
            Swtpm swtpm = new Swtpm(exe.toString(), stateDir, ports[0], ports[1], startupClear);
            try {
                swtpm.launch();
                return swtpm;
            } catch (StateInUseException e) {
                throw e;
            } catch (HsmUnavailableException e) {
                last = e;
            }
        }
        throw last;
    }

    /** Copies the files of a swtpm state directory (e.g. the shared test vectors) into {@code target}, owner-only. */
    public static Path copyState(Path source, Path target) {
        createOwnerOnlyDirectory(target);
        try (Stream<Path> files = Files.list(source)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(file)) {
                    Path copy = target.resolve(file.getFileName().toString());
                    Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
                    ownerOnly(copy, "rw-------");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy swtpm state " + source + " to " + target, e);
        }
        return target;
    }

    private void launch() {
        List<String> command = new ArrayList<>(List.of(executable, "socket", "--tpm2",
                "--tpmstate", "dir=" + stateDir.toAbsolutePath() + ",mode=0600",
                "--server", "type=tcp,port=" + dataPort + ",bindaddr=127.0.0.1",
                "--ctrl", "type=tcp,port=" + controlPort + ",bindaddr=127.0.0.1",
                "--flags", startupClear ? "not-need-init,startup-clear" : "not-need-init",
                "--log", "file=" + stateDir.toAbsolutePath().resolve("swtpm.log")));
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(stateDir.resolve("swtpm.out").toFile())
                    .start();
        } catch (IOException e) {
            throw new HsmUnavailableException("cannot start swtpm (" + executable + "): " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                String why = lastLines(stateDir.resolve("swtpm.log"), 2);
                if (why.contains("lockfile")) {
                    throw new StateInUseException("swtpm state directory " + stateDir + " is in use by another swtpm"
                            + " (its lock file is held): " + why);
                }
                throw new HsmUnavailableException("swtpm exited at start with status " + process.exitValue()
                        + " (ports " + dataPort + "/" + controlPort + ", state " + stateDir + "): " + why
                        + "; see " + stateDir.resolve("swtpm.log"));
            }
            if (accepts(controlPort)) {
                RUNNING.add(this);
                LOG.log(System.Logger.Level.DEBUG, "swtpm pid " + process.pid() + " ready on 127.0.0.1:" + dataPort);
                return;
            }
            sleep(5);
        }
        process.destroyForcibly();
        throw new HsmUnavailableException("swtpm did not open its control port " + controlPort + " within "
                + START_TIMEOUT_MS + " ms");
    }

    /** Starts swtpm again on the same state directory and ports (after {@link #kill()} or {@link #stop()}). */
    public void restart() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("swtpm pid " + process.pid() + " is still running");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            try {
                launch();
                return;
            } catch (HsmUnavailableException e) {
                // the old listening sockets may take a moment to be released
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                sleep(50);
            }
        }
    }

    public int dataPort() {
        return dataPort;
    }

    public int controlPort() {
        return controlPort;
    }

    public Path stateDir() {
        return stateDir;
    }

    /** The process id, while running. */
    public long pid() {
        if (process == null) {
            throw new IllegalStateException("swtpm is not running");
        }
        return process.pid();
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** The tpm2-tss TCTI string that reaches this instance. */
    public String tcti() {
        return "swtpm:host=127.0.0.1,port=" + dataPort;
    }

    /** {@code host:port} of the data port, the form of the {@code provhsm.tpm.tcp} setting. */
    public String tcpAddress() {
        return "127.0.0.1:" + dataPort;
    }

    /** Kills the process by PID without letting it save anything (a crash or power loss). */
    public void kill() {
        RUNNING.remove(this);
        if (process != null) {
            ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly);
            waitForExit(process, 5_000);
        }
    }

    /** Shuts swtpm down through its control channel; falls back to killing it by PID. Idempotent. */
    public void stop() {
        RUNNING.remove(this);
        if (process == null || !process.isAlive()) {
            return;
        }
        try (Socket control = new Socket()) {
            control.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), controlPort), 1_000);
            control.setSoTimeout(2_000);
            DataOutputStream out = new DataOutputStream(control.getOutputStream());
            out.writeInt(CMD_SHUTDOWN);
            out.flush();
            new DataInputStream(control.getInputStream()).readInt();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "swtpm control channel did not answer shutdown: " + e);
        }
        if (!waitForExit(process, 3_000)) {
            ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly);
            waitForExit(process, 3_000);
        }
    }

    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return "swtpm[127.0.0.1:" + dataPort + ", control " + controlPort + ", state " + stateDir
                + (isRunning() ? ", pid " + process.pid() : ", stopped") + "]";
    }

    /** The last {@code count} non-blank lines of a log, joined, oldest first. */
    private static String lastLines(Path file, int count) {
        try {
            List<String> lines = Files.readAllLines(file);
            List<String> last = new ArrayList<>();
            for (int i = lines.size() - 1; i >= 0 && last.size() < count; i--) {
                if (!lines.get(i).isBlank()) {
                    last.add(0, lines.get(i).strip());
                }
            }
            return last.isEmpty() ? "no output" : String.join(" ", last);
        } catch (IOException | RuntimeException e) {
            return "no log";
        }
    }

    /** Another swtpm holds the state directory's lock: starting again on other ports cannot help. */
    private static final class StateInUseException extends HsmUnavailableException {
        private static final long serialVersionUID = 1L;

        StateInUseException(String message) {
            super(message);
        }
    }

    private static boolean waitForExit(Process process, long millis) {
        try {
            return process.waitFor(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean accepts(int port) {
        try (Socket probe = new Socket()) {
            probe.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Two consecutive free loopback ports: tpm2-tss's swtpm TCTI reaches the control channel at data port + 1.
     * They are drawn below the kernel's ephemeral range: the swtpm TCTI connects once per command, and the
     * thousands of client sockets it leaves in TIME_WAIT occupy ephemeral ports that a server cannot bind.
     */
    private static int[] freePortPair() {
        int[] ephemeral = ephemeralRange();
        int low = 10_000;
        int high = ephemeral[0] - 2;
        if (high - low < 1_000) {
            low = ephemeral[1] + 1;
            high = 65_533;
        }
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = random.nextInt(low, high + 1);
            if (bindable(port) && bindable(port + 1)) {
                return new int[] {port, port + 1};
            }
        }
        throw new UncheckedIOException(new IOException("no two consecutive free loopback ports between " + low + " and " + high));
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The kernel's ephemeral port range (Linux), else the IANA one. */
    private static int[] ephemeralRange() {
        try {
            String[] range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim().split("\\s+");
            return new int[] {Integer.parseInt(range[0]), Integer.parseInt(range[1])};
        } catch (IOException | RuntimeException e) {
            return new int[] {49_152, 65_535};
        }
    }

    /** Creates the directory and its missing parents owner-only; restricts it to its owner if it already existed. */
    private static void createOwnerOnlyDirectory(Path dir) {
        try {
            OwnerOnlyFiles.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create swtpm state directory " + dir, e);
        }
        // also an existing one: it holds the TPM's seeds
        ownerOnly(dir, "rwx------");
    }

    /** TPM state holds the TPM's secrets (seeds, keys): only its owner may read it. */
    private static void ownerOnly(Path path, String posixPermissions) {
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(posixPermissions));
        } catch (UnsupportedOperationException e) {
            File file = path.toFile();
            file.setReadable(false, false);
            file.setReadable(true, true);
            file.setWritable(false, false);
            file.setWritable(true, true);
            if (file.isDirectory()) {
                file.setExecutable(false, false);
                file.setExecutable(true, true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restrict " + path + " to its owner", e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HsmUnavailableException("interrupted while waiting for swtpm", e);
        }
    }
}
