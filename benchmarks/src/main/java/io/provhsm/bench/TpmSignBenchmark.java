package io.provhsm.bench;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.provhsm.tck.service.ActivationBlobBuilder;
import io.provhsm.tpm.TpmDeviceHsm;
import io.provhsm.tpm.sim.Swtpm;
import io.provhsm.tpm.transport.TcpTransport;
import io.provhsm.tpm.transport.TctiTransport;
import io.provhsm.tpm.transport.TpmTransport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * {@code signWithIdentity} (TPM2_HMAC on the persisted identity key) per call over the {@code tcp} and
 * {@code tcti} transports, against a C baseline running the same TPM2_HMAC through tpm2-tss (SAPI over the
 * swtpm TCTI, native/bench-tpm) in the same run. Each trial starts its own swtpm on a fresh state with an
 * activated identity (swtpm serves one connection at a time). Also times activation and first-boot EK/SRK
 * creation.
 *
 * <p>Run: {@code java -Dprovhsm.native.dir=target/native -cp benchmarks/target/benchmarks.jar
 * io.provhsm.bench.TpmSignBenchmark} prints the ratios (targets: tcp at most 0.6x C, tcti at most 1.3x C).
 */
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class TpmSignBenchmark {
    /** Commands per measured invocation: the C baseline runs them in one C loop (one JNA call). */
    static final int CALLS = 50;

    /** The C baseline, native/bench-tpm (libbench_tpm.so). */
    public interface BenchTpm extends Library {
        Pointer bench_tpm_open(String tctiConfiguration);

        int bench_tpm_hmac(Pointer bench, byte[] data, long length, long iterations, byte[] hmacOut);

        void bench_tpm_close(Pointer bench);
    }

    /** A running swtpm on a fresh state with EK, SRK and an activated identity key, and that key. */
    static final class ProvisionedSwtpm implements AutoCloseable {
        final Path dir;
        final Swtpm swtpm;
        final byte[] key = new byte[32];

        ProvisionedSwtpm() {
            try {
                dir = Files.createTempDirectory("provhsm-bench-tpm");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            swtpm = Swtpm.start(dir.resolve("state"));
            new SecureRandom().nextBytes(key);
            try (TpmDeviceHsm hsm = TpmDeviceHsm.open(new TcpTransport("127.0.0.1", swtpm.dataPort(), 30_000))) {
                hsm.activateIdentityKey(ActivationBlobBuilder.forTpm(hsm.endorsementKey(), hsm.storageRootKey()).build(key));
            }
        }

        @Override
        public void close() {
            swtpm.stop();
            deleteTree(dir);
        }
    }

    @State(Scope.Benchmark)
    public static class SignState {
        @Param({"c", "tcp", "tcti"})
        public String path;
        @Param({"32"})
        public int dataLength;
        /**
         * Where the calling thread and swtpm run. Every call is a round trip to another process, and on a VM
         * waking a halted vCPU costs tens of microseconds, so the time per call depends mostly on whether the
         * two share a CPU; left to the scheduler that changes from trial to trial. Pinning gives every path the
         * same conditions: {@code same-cpu} (both on CPU 0), {@code split} (caller on CPU 0, swtpm on CPU 1),
         * {@code free} (unpinned, as a real device would run).
         */
        @Param({"same-cpu", "split", "free"})
        public String placement;

        ProvisionedSwtpm tpm;
        TpmDeviceHsm hsm;
        BenchTpm c;
        Pointer cContext;
        byte[] data;

        @Setup(Level.Trial)
        public void setUp() throws GeneralSecurityException {
            tpm = new ProvisionedSwtpm();
            data = new byte[dataLength];
            new SecureRandom().nextBytes(data);
            byte[] expected = hmac(tpm.key, data);
            byte[] got;
            switch (path) {
                case "c" -> {
                    c = Native.load(nativeLibrary("bench_tpm").toString(), BenchTpm.class);
                    cContext = c.bench_tpm_open(tpm.swtpm.tcti());
                    if (cContext == null) {
                        throw new IllegalStateException("C baseline cannot open TCTI " + tpm.swtpm.tcti());
                    }
                    got = new byte[32];
                    int rc = c.bench_tpm_hmac(cContext, data, data.length, 1, got);
                    if (rc != 0) {
                        throw new IllegalStateException("C baseline TPM2_HMAC failed: 0x" + Integer.toHexString(rc));
                    }
                }
                case "tcp" -> {
                    hsm = TpmDeviceHsm.open(new TcpTransport("127.0.0.1", tpm.swtpm.dataPort(), 30_000));
                    got = hsm.signWithIdentity(data);
                }
                case "tcti" -> {
                    hsm = TpmDeviceHsm.open(new TctiTransport(tpm.swtpm.tcti()));
                    got = hsm.signWithIdentity(data);
                }
                default -> throw new IllegalArgumentException("path " + path);
            }
            if (!Arrays.equals(expected, got)) {
                throw new IllegalStateException(path + " computed a wrong HMAC: the benchmark would measure nonsense");
            }
        }

        /** Per iteration, because the pin belongs to the thread that runs the measured loop. */
        @Setup(Level.Iteration)
        public void place() {
            switch (placement) {
                case "same-cpu" -> {
                    pin(tpm.swtpm.pid(), 0);
                    pin(currentThreadId(), 0);
                }
                case "split" -> {
                    pin(tpm.swtpm.pid(), 1);
                    pin(currentThreadId(), 0);
                }
                case "free" -> {
                    // the scheduler decides
                }
                default -> throw new IllegalArgumentException("placement " + placement);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            if (hsm != null) {
                hsm.close();
            }
            if (cContext != null) {
                c.bench_tpm_close(cContext);
            }
            tpm.close();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @OperationsPerInvocation(CALLS)
    public void signWithIdentity(SignState state, Blackhole blackhole) {
        if (state.c != null) {
            int rc = state.c.bench_tpm_hmac(state.cContext, state.data, state.data.length, CALLS, null);
            if (rc != 0) {
                throw new IllegalStateException("C baseline TPM2_HMAC failed: 0x" + Integer.toHexString(rc));
            }
            return;
        }
        for (int i = 0; i < CALLS; i++) {
            blackhole.consume(state.hsm.signWithIdentity(state.data));
        }
    }

    /** A TPM with EK and SRK and a blob for it; each iteration activates once (replacing the identity). */
    @State(Scope.Benchmark)
    public static class ActivationState {
        @Param({"tcp"})
        public String transport;
        ProvisionedSwtpm tpm;
        TpmDeviceHsm hsm;
        byte[] blob;

        @Setup(Level.Trial)
        public void setUp() {
            tpm = new ProvisionedSwtpm();
            hsm = TpmDeviceHsm.open(transport(transport, tpm.swtpm));
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            blob = ActivationBlobBuilder.forTpm(hsm.endorsementKey(), hsm.storageRootKey()).build(key);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            hsm.close();
            tpm.close();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 3, batchSize = 1)
    @Measurement(iterations = 10, batchSize = 1)
    public void activateIdentityKey(ActivationState state) {
        state.hsm.activateIdentityKey(state.blob);
    }

    /** A swtpm on an empty state for every iteration: the first session creates and persists EK and SRK. */
    @State(Scope.Benchmark)
    public static class FreshTpmState {
        @Param({"tcp"})
        public String transport;
        Path dir;
        Swtpm swtpm;

        @Setup(Level.Iteration)
        public void setUp() throws IOException {
            dir = Files.createTempDirectory("provhsm-bench-fresh-tpm");
            swtpm = Swtpm.start(dir.resolve("state"));
        }

        @TearDown(Level.Iteration)
        public void tearDown() {
            swtpm.stop();
            deleteTree(dir);
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 2, batchSize = 1)
    @Measurement(iterations = 5, batchSize = 1)
    public byte[] createEndorsementAndStorageRootKeys(FreshTpmState state) {
        try (TpmDeviceHsm hsm = TpmDeviceHsm.open(transport(state.transport, state.swtpm))) {
            return hsm.endorsementKey();
        }
    }

    static TpmTransport transport(String name, Swtpm swtpm) {
        return name.equals("tcti") ? new TctiTransport(swtpm.tcti()) : new TcpTransport("127.0.0.1", swtpm.dataPort(), 30_000);
    }

    /** Read before any pin: once the thread is pinned the JVM reports only its CPU. */
    private static final int CPUS = Runtime.getRuntime().availableProcessors();

    /** Restricts a process (all its threads) or one thread to {@code cpu}, with util-linux taskset. */
    static void pin(long pidOrTid, int cpu) {
        if (CPUS <= cpu) {
            throw new IllegalStateException("placement needs CPU " + cpu + "; this JVM may use " + CPUS);
        }
        try {
            Process taskset = new ProcessBuilder("taskset", "-a", "-p", "-c", Integer.toString(cpu), Long.toString(pidOrTid))
                    .redirectErrorStream(true).start();
            String output = new String(taskset.getInputStream().readAllBytes());
            if (taskset.waitFor() != 0) {
                throw new IllegalStateException("taskset -p -c " + cpu + " " + pidOrTid + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("taskset (util-linux) is needed to pin the benchmark", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The kernel's id of the calling thread (/proc/thread-self links to PID/task/TID). */
    static long currentThreadId() {
        try {
            Path link = Files.readSymbolicLink(Path.of("/proc/thread-self"));
            return Long.parseLong(link.getFileName().toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/thread-self to pin the benchmark thread", e);
        }
    }

    static byte[] hmac(byte[] key, byte[] data) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }

    /** lib{name}.so in provhsm.native.dir, else in target/native of this directory or a parent. */
    static Path nativeLibrary(String name) {
        String file = System.mapLibraryName(name);
        String configured = System.getProperty("provhsm.native.dir");
        if (configured != null) {
            return Path.of(configured, file).toAbsolutePath();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("target").resolve("native").resolve(file);
            if (Files.exists(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException(file + " not found: build native/ with CMake (mvn generate-resources at the"
                + " repository root) and set -Dprovhsm.native.dir");
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }

    /** Runs the benchmarks and prints each path's time per call as a ratio of the C baseline's in this run. */
    public static void main(String[] args) throws RunnerException {
        Options options = new OptionsBuilder()
                .include(TpmSignBenchmark.class.getName() + ".")
                .jvmArgsAppend("-Dprovhsm.native.dir=" + nativeLibrary("bench_tpm").getParent())
                .build();
        Collection<RunResult> results = new Runner(options).run();
        Map<String, Map<String, Double>> signByPlacement = new TreeMap<>();
        for (RunResult result : results) {
            String benchmark = result.getParams().getBenchmark();
            double score = result.getPrimaryResult().getScore();
            String unit = result.getPrimaryResult().getScoreUnit();
            if (benchmark.endsWith("signWithIdentity")) {
                signByPlacement.computeIfAbsent(result.getParams().getParam("placement"), p -> new HashMap<>())
                        .put(result.getParams().getParam("path"), score);
            } else {
                System.out.printf("%s: %.1f %s%n", benchmark.substring(benchmark.lastIndexOf('.') + 1), score, unit);
            }
        }
        signByPlacement.forEach((placement, sign) -> {
            Double c = sign.get("c");
            if (c == null) {
                return;
            }
            System.out.printf("[%s] signWithIdentity, C baseline (tpm2-tss SAPI, swtpm TCTI): %.1f us per call%n", placement, c);
            for (String path : new String[] {"tcp", "tcti"}) {
                if (sign.containsKey(path)) {
                    double target = path.equals("tcp") ? 0.6 : 1.3;
                    double ratio = sign.get(path) / c;
                    System.out.printf("[%s] signWithIdentity over %s: %.1f us per call = %.2fx C (target <= %.1fx): %s%n",
                            placement, path, sign.get(path), ratio, target, ratio <= target ? "met" : "MISSED");
                }
            }
        });
    }
}
