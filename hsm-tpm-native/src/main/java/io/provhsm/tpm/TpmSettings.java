package io.provhsm.tpm;

import com.sun.jna.Platform;
import io.provhsm.spi.HsmConfig;
import io.provhsm.tpm.transport.TbsTransport;
import io.provhsm.tpm.transport.TcpTransport;
import io.provhsm.tpm.transport.TctiTransport;
import io.provhsm.tpm.transport.TpmTransport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/** The settings of the TPM providers, and the transport they select. */
public final class TpmSettings {
    /** {@code tcti}, {@code tcp} or {@code tbs}; by default tcp if {@link #TCP} is set, tbs on Windows, else tcti. */
    public static final String TRANSPORT = "provhsm.tpm.transport";
    /** A tpm2-tss TCTI string; by default as tpm2-tools decides (TPM2TOOLS_TCTI, TCTI, /dev/tpmrm0, /dev/tpm0). */
    public static final String TCTI = "provhsm.tpm.tcti";
    /** The tpm2-tss TCTI loader library (name or path); by default libtss2-tctildr from the system. */
    public static final String TCTI_LIBRARY = "provhsm.tpm.tcti-library";
    /** {@code host:port} of a simulator's data port (swtpm), reached over TCP without tpm2-tss. */
    public static final String TCP = "provhsm.tpm.tcp";
    /** How long the tcp transport waits to connect and for a response, in milliseconds. */
    public static final String TIMEOUT_MILLIS = "provhsm.tpm.timeout-ms";
    /**
     * Where the providers keep per-TPM state (the identity replacement journal), in a subdirectory named by the
     * EK's registration id; by default {@code tpm} in provhsm's user data directory ({@link HsmConfig#userDataDirectory()}).
     */
    public static final String STATE_DIR = "provhsm.tpm.state-dir";
    /** Where {@code tpm-simulator} keeps the simulator's state; by default {@code tpm-simulator} in provhsm's user data directory. */
    public static final String SIMULATOR_STATE_DIR = "provhsm.tpm.simulator.state-dir";
    /** How {@code tpm-simulator} talks to its simulator: {@code tcp} (default) or {@code tcti}. */
    public static final String SIMULATOR_TRANSPORT = "provhsm.tpm.simulator.transport";

    static final Set<String> TRANSPORTS = Set.of("tcti", "tcp", "tbs");
    private static final int DEFAULT_TIMEOUT_MILLIS = 30_000;

    private TpmSettings() {
    }

    /** The transport name the configuration selects. */
    static String transportName(HsmConfig config) {
        String fallback = config.get(TCP).isPresent() ? "tcp" : config.get(TCTI).isPresent() ? "tcti"
                : Platform.isWindows() ? "tbs" : "tcti";
        return config.choice(TRANSPORT, fallback, TRANSPORTS);
    }

    static String tctiConfiguration(HsmConfig config) {
        return config.get(TCTI).orElseGet(() -> TctiTransport.defaultConfiguration(System.getenv()));
    }

    static int timeoutMillis(HsmConfig config) {
        int timeout = config.integer(TIMEOUT_MILLIS, DEFAULT_TIMEOUT_MILLIS);
        if (timeout <= 0) {
            throw new io.provhsm.HsmConfigException(config.describe(TIMEOUT_MILLIS) + " must be positive, got " + timeout);
        }
        return timeout;
    }

    /** A transport as the configuration asks for; nothing is connected yet. */
    static TpmTransport transport(HsmConfig config) {
        return switch (transportName(config)) {
            case "tcp" -> TcpTransport.parse(config.require(TCP), config.describe(TCP), timeoutMillis(config));
            case "tbs" -> new TbsTransport();
            default -> new TctiTransport(tctiConfiguration(config), config.get(TCTI_LIBRARY).orElse(null));
        };
    }

    /** The base of the per-TPM state directories: the setting, else {@code tpm} in provhsm's user data directory. */
    static Path stateDir(HsmConfig config) {
        return config.path(STATE_DIR).orElseGet(() -> config.userDataDirectory().resolve("tpm"));
    }

    /** The simulator state directory: the setting, else {@code tpm-simulator} in provhsm's user data directory. */
    static Path simulatorStateDir(HsmConfig config) {
        return config.path(SIMULATOR_STATE_DIR).orElseGet(() -> config.userDataDirectory().resolve("tpm-simulator"));
    }

    /** Whether a TPM device node exists where the default TCTI looks. */
    static boolean tpmDevicePresent() {
        return Files.exists(Path.of("/dev/tpmrm0")) || Files.exists(Path.of("/dev/tpm0"));
    }
}
