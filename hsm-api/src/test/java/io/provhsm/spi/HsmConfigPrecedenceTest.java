package io.provhsm.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.provhsm.HsmConfigException;
import io.provhsm.Hsms;
import io.provhsm.fixtures.FixtureProvider;
import io.provhsm.fixtures.ServiceFolders;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HsmConfigPrecedenceTest {
    private static final String KEY = "provhsm.dice.uds-file";
    private static final String ENV = "PROVHSM_DICE_UDS_FILE";

    private static Properties properties(String key, String value) {
        Properties properties = new Properties();
        properties.setProperty(key, value);
        return properties;
    }

    @Test
    void environmentNamesAreUpperCaseWithDotsAndDashesAsUnderscores() {
        assertEquals(ENV, HsmConfig.environmentName(KEY));
        assertEquals("PROVHSM_SYMMETRIC_KEY_REGISTRATION_ID", HsmConfig.environmentName("provhsm.symmetric-key.registration-id"));
        assertEquals("PROVHSM_PROVIDER", HsmConfig.environmentName(HsmConfig.PROVIDER));
    }

    @Test
    void overrideWinsOverSystemPropertyWhichWinsOverEnvironment() {
        HsmConfig all = HsmConfig.from(Map.of(KEY, "override"), properties(KEY, "property"), Map.of(ENV, "environment"));
        assertEquals(Optional.of("override"), all.get(KEY));
        assertEquals(KEY + " (configuration)", all.describe(KEY));

        HsmConfig noOverride = HsmConfig.from(Map.of(), properties(KEY, "property"), Map.of(ENV, "environment"));
        assertEquals(Optional.of("property"), noOverride.get(KEY));
        assertEquals(KEY + " (system property)", noOverride.describe(KEY));

        HsmConfig environmentOnly = HsmConfig.from(Map.of(), new Properties(), Map.of(ENV, "environment"));
        assertEquals(Optional.of("environment"), environmentOnly.get(KEY));
        assertEquals(KEY + " (environment " + ENV + ")", environmentOnly.describe(KEY));

        HsmConfig none = HsmConfig.from(Map.of(), new Properties(), Map.of());
        assertEquals(Optional.empty(), none.get(KEY));
        assertEquals(KEY + " (not set)", none.describe(KEY));
    }

    @Test
    void withAddsAnOverrideOnTopOfEverySource() {
        HsmConfig config = HsmConfig.from(Map.of(), properties(KEY, "property"), Map.of(ENV, "environment")).with(KEY, "cli");
        assertEquals(Optional.of("cli"), config.get(KEY));
    }

    @Test
    void aBlankValueUnsetsTheSettingAndHidesLowerSources() {
        // --config KEY= is how a user switches off a setting that the environment gives
        HsmConfig config = HsmConfig.from(Map.of(KEY, "  "), properties(KEY, "property"), Map.of(ENV, "environment"));
        assertEquals(Optional.empty(), config.get(KEY));
        assertEquals(Optional.of("property"), HsmConfig.from(Map.of(), properties(KEY, " property "), Map.of()).get(KEY));
    }

    @Test
    void unrelatedPropertiesAndVariablesAreIgnored() {
        Properties properties = properties("java.home", "/x");
        properties.setProperty("provhsmx.y", "1");
        HsmConfig config = HsmConfig.from(Map.of(), properties, Map.of("HOME", "/root", "PROVHSM_PROVIDER", "alpha"));
        assertEquals("HsmConfig[PROVHSM_PROVIDER]", config.toString());
    }

    @Test
    void keysOutsideTheProvhsmNamespaceAreRejectedNamingTheKey() {
        HsmConfigException e = assertThrows(HsmConfigException.class, () -> HsmConfig.of(Map.of("dice.profile", "riot")));
        assertTrue(e.getMessage().contains("'dice.profile'"), e.getMessage());
    }

    @Test
    void aKeyThatMayBeAPastedSecretIsNotShown() {
        // base64 never has a dot; with '=' padding it splits as KEY=VALUE on a command line
        String secret = "c2VjcmV0LWtleS1ub3QtdG8tYmUtcHJpbnRlZA";
        HsmConfigException e = assertThrows(HsmConfigException.class, () -> HsmConfig.of(Map.of(secret, "")));
        assertFalse(e.getMessage().contains(secret), e.getMessage());
        assertTrue(e.getMessage().contains("of " + secret.length() + " characters (not shown"), e.getMessage());
        assertTrue(HsmConfig.isSettingKey("provhsm.tpm.state-dir"));
        assertFalse(HsmConfig.isSettingKey(secret));
        assertFalse(HsmConfig.isSettingKey("provhsm."));
    }

    @Test
    void toStringAndErrorsNeverShowValues() {
        HsmConfig config = HsmConfig.of(Map.of("provhsm.symmetric-key.key", "c2VjcmV0LXNlY3JldC1zZWNyZXQ=",
                "provhsm.x.count", "twelve-secret"));
        assertFalse(config.toString().contains("c2VjcmV0"), config.toString());
        HsmConfigException e = assertThrows(HsmConfigException.class, () -> config.hex("provhsm.symmetric-key.key", 32));
        assertFalse(e.getMessage().contains("c2VjcmV0"), e.getMessage());
        assertTrue(e.getMessage().contains("provhsm.symmetric-key.key (configuration) is not hex"), e.getMessage());

        // hex of the wrong length or with an odd digit count: described by lengths, the digits are not shown
        String hexSecret = "5ec7e75ec7e75ec7e75ec7e7";
        HsmConfig wrongLength = HsmConfig.of(Map.of("provhsm.dice.uds", hexSecret, "provhsm.dice.seed", hexSecret + "a"));
        HsmConfigException length = assertThrows(HsmConfigException.class, () -> wrongLength.hex("provhsm.dice.uds", 32));
        assertEquals("provhsm.dice.uds (configuration) must be 32 bytes, got 12", length.getMessage());
        HsmConfigException odd = assertThrows(HsmConfigException.class, () -> wrongLength.hex("provhsm.dice.seed", 32));
        assertEquals("provhsm.dice.seed (configuration) is not hex (25 characters)", odd.getMessage());
        assertFalse(wrongLength.toString().contains("5ec7e7"), wrongLength.toString());
    }

    @Test
    void typedValuesNameTheSettingWhenMalformed() {
        HsmConfig config = HsmConfig.from(Map.of(), properties("provhsm.tpm.port", "23x1"), Map.of("PROVHSM_TPM_FLAG", "maybe"));
        HsmConfigException port = assertThrows(HsmConfigException.class, () -> config.integer("provhsm.tpm.port", 2321));
        assertEquals("provhsm.tpm.port (system property) is not an integer: '23x1'", port.getMessage());
        HsmConfigException flag = assertThrows(HsmConfigException.class, () -> config.flag("provhsm.tpm.flag", false));
        assertTrue(flag.getMessage().startsWith("provhsm.tpm.flag (environment PROVHSM_TPM_FLAG) must be true or false"));
        assertEquals(2321, HsmConfig.of(Map.of()).integer("provhsm.tpm.port", 2321));
    }

    @Test
    void providerSelectionFollowsThePrecedence(@TempDir Path temp) {
        ClassLoader loader = ServiceFolders.loader(ServiceFolders.folder(temp, "jar",
                FixtureProvider.Alpha.class, FixtureProvider.Gamma.class));
        Map<String, String> environment = Map.of("PROVHSM_PROVIDER", "gamma");
        assertEquals("gamma", Hsms.select(null, HsmConfig.from(Map.of(), new Properties(), environment), loader).name());
        HsmConfig property = HsmConfig.from(Map.of(), properties(HsmConfig.PROVIDER, "alpha"), environment);
        assertEquals("alpha", Hsms.select(null, property, loader).name());
        assertEquals("gamma", Hsms.select(null, property.with(HsmConfig.PROVIDER, "gamma"), loader).name());
    }
}
