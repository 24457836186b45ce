package io.provhsm.dice;

import com.google.auto.service.AutoService;
import io.provhsm.Hsm;
import io.provhsm.HsmConfigException;
import io.provhsm.Mechanism;
import io.provhsm.dice.riot.RiotEmulator;
import io.provhsm.dice.riot.RiotIdentity;
import io.provhsm.spi.Availability;
import io.provhsm.spi.HsmConfig;
import io.provhsm.spi.HsmProvider;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code dice}: a pure-Java DICE engine serving X.509 identities, the library's embedded default (no hardware, no
 * setting required). Profiles ({@code provhsm.dice.profile}): {@code open-dice} (default), {@code riot} (the C SDK's
 * emulator bit for bit) and {@code riot-fixed} (the same with a consistent root key).
 */
@AutoService(HsmProvider.class)
public final class DiceProvider implements HsmProvider {
    public static final String NAME = "dice";
    private static final System.Logger LOG = System.getLogger(DiceProvider.class.getName());
    private static final AtomicBoolean RIOT_WARNED = new AtomicBoolean();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<Mechanism> mechanisms() {
        return Set.of(Mechanism.X509);
    }

    /** Always available: pure Java. Bad settings are reported by {@link #open}, naming the setting. */
    @Override
    public Availability availability(HsmConfig config) {
        return Availability.available("pure-Java DICE emulator (" + DiceSettings.PROFILE + " = "
                + config.get(DiceSettings.PROFILE, DiceSettings.OPEN_DICE) + ")");
    }

    @Override
    public Hsm open(Mechanism mechanism, HsmConfig config) {
        if (mechanism != Mechanism.X509) {
            throw new HsmConfigException("provider '" + NAME + "' serves X509 only, not " + mechanism);
        }
        String profile = DiceSettings.profile(config);
        SecureRandom random = new SecureRandom();
        if (profile.equals(DiceSettings.OPEN_DICE)) {
            return openDice(config, random);
        }
        return riot(config, profile.equals(DiceSettings.RIOT_FIXED), random);
    }

    private static DiceX509Hsm openDice(HsmConfig config, SecureRandom random) {
        DiceSettings.OpenDiceInputs inputs = DiceSettings.OpenDiceInputs.from(config);
        try {
            inputs.checkUds();
            RootCa root = inputs.root(random);
            byte[] uds = inputs.uds(random);
            DeviceIdentity identity;
            try {
                identity = DeviceIdentity.create(uds, inputs.firmware(), root);
            } finally {
                Arrays.fill(uds, (byte) 0);
            }
            return new DiceX509Hsm(DiceSettings.OPEN_DICE, identity.registrationId(), identity.chain(), root.certificateDer(),
                    identity.layerCertificate(), identity.aliasKey(), root.key(), root.subjectName(), root.keyId(), random);
        } finally {
            inputs.wipe();
        }
    }

    /** Lets a test observe the once-per-process warning again. */
    static void forgetRiotWarning() {
        RIOT_WARNED.set(false);
    }

    private static DiceX509Hsm riot(HsmConfig config, boolean fixed, SecureRandom random) {
        DiceSettings.RiotInputs inputs = DiceSettings.RiotInputs.from(config);
        if (RIOT_WARNED.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.WARNING, "dice profile '" + (fixed ? DiceSettings.RIOT_FIXED : DiceSettings.RIOT)
                    + "' reproduces the C SDK emulator: its identities are shared and weak (every device has the same common"
                    + " name and root, keys come from libc rand() with at most 8,161 distinct values"
                    + (fixed ? "" : ", the root key is off the curve") + "); use it only for identities enrolled with the C"
                    + " emulator, and the default profile open-dice otherwise");
        }
        RiotIdentity identity;
        try {
            identity = fixed ? RiotEmulator.createFixed(inputs.uds(), inputs.measurement(), inputs.fwid())
                    : RiotEmulator.create(inputs.uds(), inputs.measurement(), inputs.fwid());
        } finally {
            Arrays.fill(inputs.uds(), (byte) 0);
        }
        RootCa root = RootCa.of(identity.rootKey(), DiceX509Hsm.parse(identity.rootCertificate()), "riot root certificate");
        return new DiceX509Hsm(fixed ? DiceSettings.RIOT_FIXED : DiceSettings.RIOT, identity.commonName(),
                List.of(identity.aliasCertificate(), identity.deviceCertificate()), identity.rootCertificate(), null,
                identity.aliasKey(), identity.rootKey(), root.subjectName(), root.keyId(), random);
    }
}
