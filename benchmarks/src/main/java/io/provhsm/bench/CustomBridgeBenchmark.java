package io.provhsm.bench;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.NativeLong;
import io.provhsm.Mechanism;
import io.provhsm.TpmHsm;
import io.provhsm.custom.CustomHsmProvider;
import io.provhsm.custom.CustomSettings;
import io.provhsm.custom.binding.JnaBinding;
import io.provhsm.spi.HsmConfig;
import io.provhsm.tck.service.ActivationBlobBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Per-call cost of the example custom HSM's sign_with_identity (HMAC-SHA256 of 32 bytes, result freed) through
 * the custom provider's JNA and JNR-FFI bindings, against the same function called from C in the same JVM
 * (native/bench-custom: a C loop reached once per batch). Bridge overhead = bridge - C.
 *
 * <p>Every benchmark runs batches of {@value #BATCH} calls and is sampled per batch: on a shared machine compare
 * the fastest batches (p0.00) and the medians (p0.50), which other load disturbs far less than the means.
 *
 * <pre>
 * java -Dprovhsm.native.dir=target/native -jar benchmarks/target/benchmarks.jar CustomBridgeBenchmark
 * </pre>
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(CustomBridgeBenchmark.BATCH)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class CustomBridgeBenchmark {
    static final int BATCH = 2_000;

    private TpmHsm jna;
    private TpmHsm jnr;
    private final byte[] data = new byte[32];
    private String library;
    private Function cLoop;

    @Setup(Level.Trial)
    public void open() throws Exception {
        Path nativeDir = Path.of(System.getProperty("provhsm.native.dir", "target/native"));
        library = nativeDir.resolve(System.mapLibraryName("custom_hsm_example")).toAbsolutePath().toString();
        if (!Files.isRegularFile(Path.of(library))) {
            throw new IllegalStateException("build native/ first (mvn verify, or cmake): " + library + " missing");
        }
        if (System.getenv("CUSTOM_HSM_EXAMPLE_DIR") == null) {
            // the example library reads its state directory from the environment at init
            Path state = Files.createTempDirectory("custom-hsm-bench");
            NativeLibrary.getInstance(com.sun.jna.Platform.C_LIBRARY_NAME).getFunction("setenv")
                    .invokeInt(new Object[] {"CUSTOM_HSM_EXAMPLE_DIR", state.toString(), 1});
        }
        CustomHsmProvider provider = new CustomHsmProvider();
        jna = (TpmHsm) provider.open(Mechanism.TPM, config(CustomSettings.BINDING_JNA));
        jnr = (TpmHsm) provider.open(Mechanism.TPM, config(CustomSettings.BINDING_JNR));
        jna.activateIdentityKey(ActivationBlobBuilder.forTpm(jna.endorsementKey(), jna.storageRootKey()).build(new byte[32]));
        if (!java.util.Arrays.equals(jna.signWithIdentity(data), jnr.signWithIdentity(data))) {
            throw new IllegalStateException("the two bindings disagree");
        }
        cLoop = NativeLibrary.getInstance(nativeDir.resolve(System.mapLibraryName("bench_custom")).toAbsolutePath().toString())
                .getFunction("bench_custom_sign_ns");
        if (cBaseline(1000) <= 0) {
            throw new IllegalStateException("C baseline failed: " + cBaseline(1));
        }
    }

    private HsmConfig config(String binding) {
        return HsmConfig.of(Map.of(CustomSettings.LIBRARY, library, CustomSettings.BINDING, binding));
    }

    private double cBaseline(int calls) {
        return cLoop.invokeDouble(new Object[] {library, data, new JnaBinding.SizeT(data.length), new NativeLong(calls)});
    }

    @TearDown(Level.Trial)
    public void close() {
        jna.close();
        jnr.close();
    }

    @Benchmark
    public void signThroughJna(Blackhole blackhole) {
        for (int i = 0; i < BATCH; i++) {
            blackhole.consume(jna.signWithIdentity(data));
        }
    }

    @Benchmark
    public void signThroughJnr(Blackhole blackhole) {
        for (int i = 0; i < BATCH; i++) {
            blackhole.consume(jnr.signWithIdentity(data));
        }
    }

    /** The same sign_with_identity + free, looped in C. */
    @Benchmark
    public double signFromC() {
        return cBaseline(BATCH);
    }
}
