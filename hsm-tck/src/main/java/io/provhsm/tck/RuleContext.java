package io.provhsm.tck;

import io.provhsm.Hsm;
import io.provhsm.Hsms;
import io.provhsm.Mechanism;
import io.provhsm.SymmetricKeyHsm;
import io.provhsm.TpmHsm;
import io.provhsm.X509Hsm;
import io.provhsm.spi.HsmConfig;
import io.provhsm.spi.HsmProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * What a rule works with: the provider under test, its configuration, and sessions it opens. Every
 * session opened here is closed when the rule ends. Rules never hold two sessions at once: a device
 * such as a TPM simulator serves one connection at a time.
 */
public final class RuleContext implements AutoCloseable {
    private final HsmProvider provider;
    private final Mechanism mechanism;
    private final HsmConfig config;
    private final boolean identityReplacementAllowed;
    private final List<Hsm> opened = new ArrayList<>();

    RuleContext(HsmProvider provider, Mechanism mechanism, HsmConfig config, boolean identityReplacementAllowed) {
        this.provider = provider;
        this.mechanism = mechanism;
        this.config = config;
        this.identityReplacementAllowed = identityReplacementAllowed;
    }

    public HsmProvider provider() {
        return provider;
    }

    public Mechanism mechanism() {
        return mechanism;
    }

    public HsmConfig config() {
        return config;
    }

    /** Whether the kit may replace the device's identity (see {@link ConformanceKit#allowIdentityReplacement()}). */
    public boolean identityReplacementAllowed() {
        return identityReplacementAllowed;
    }

    /** A new session for the mechanism under test. */
    public Hsm open() {
        Hsm hsm = Hsms.open(provider, mechanism, config);
        synchronized (opened) {
            opened.add(hsm);
        }
        return hsm;
    }

    public X509Hsm openX509() {
        return (X509Hsm) open();
    }

    public TpmHsm openTpm() {
        return (TpmHsm) open();
    }

    public SymmetricKeyHsm openSymmetricKey() {
        return (SymmetricKeyHsm) open();
    }

    /** Fails the rule with {@code reason} unless {@code condition} holds. */
    public static void require(boolean condition, Supplier<String> reason) {
        if (!condition) {
            throw new RuleViolation(reason.get());
        }
    }

    /** Fails the rule unless {@code action} throws {@code expected}; returns the exception. */
    public static <T extends Throwable> T requireThrows(Class<T> expected, String what, ThrowingRunnable action) {
        try {
            action.run();
        } catch (Throwable e) {
            if (expected.isInstance(e)) {
                return expected.cast(e);
            }
            throw new RuleViolation(what + " threw " + e.getClass().getName() + " (" + e.getMessage() + "), expected "
                    + expected.getName(), e);
        }
        throw new RuleViolation(what + " returned normally, expected " + expected.getName());
    }

    @FunctionalInterface
    public interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Override
    public void close() {
        List<Hsm> sessions;
        synchronized (opened) {
            sessions = new ArrayList<>(opened);
            opened.clear();
        }
        for (Hsm hsm : sessions) {
            try {
                hsm.close();
            } catch (RuntimeException e) {
                // closing is idempotent by contract; a provider that throws here is reported by the use-after-close rule
            }
        }
    }
}
