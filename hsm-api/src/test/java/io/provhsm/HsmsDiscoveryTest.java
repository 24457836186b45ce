package io.provhsm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.provhsm.fixtures.FixtureProvider;
import io.provhsm.fixtures.ServiceFolders;
import io.provhsm.spi.HsmConfig;
import io.provhsm.spi.HsmProvider;
import io.provhsm.symmetric.SymmetricKeyProvider;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HsmsDiscoveryTest {
    private static final HsmConfig NOTHING_SET = HsmConfig.of(Map.of());

    @TempDir
    Path temp;

    private static List<String> names(List<HsmProvider> providers) {
        return providers.stream().map(HsmProvider::name).toList();
    }

    @Test
    void zeroProvidersIsAnErrorSayingWhereItLooked() {
        ClassLoader empty = ServiceFolders.loader(ServiceFolders.folder(temp, "empty-jar"));
        assertEquals(List.of(), Hsms.providers(empty));
        NoProviderException e = assertThrows(NoProviderException.class, () -> Hsms.select(null, NOTHING_SET, empty));
        assertTrue(e.getMessage().contains("META-INF/services/io.provhsm.spi.HsmProvider"), e.getMessage());
    }

    @Test
    void oneProviderIsSelectedWithoutBeingNamed() {
        ClassLoader one = ServiceFolders.loader(ServiceFolders.folder(temp, "alpha-jar", FixtureProvider.Alpha.class));
        assertEquals(List.of("alpha"), names(Hsms.providers(one)));
        assertInstanceOf(FixtureProvider.Alpha.class, Hsms.select(null, NOTHING_SET, one));
        assertInstanceOf(FixtureProvider.Alpha.class, Hsms.select(Mechanism.X509, NOTHING_SET, one));
        NoProviderException e = assertThrows(NoProviderException.class, () -> Hsms.select(Mechanism.TPM, NOTHING_SET, one));
        assertTrue(e.getMessage().contains("no available provider for TPM"), e.getMessage());
        assertTrue(e.getMessage().contains("alpha [X509]"), e.getMessage());
    }

    @Test
    void twoAvailableProvidersMustBeChosenBetweenUnlessTheMechanismDecides() {
        ClassLoader two = ServiceFolders.loader(ServiceFolders.folder(temp, "alpha-jar", FixtureProvider.Alpha.class),
                ServiceFolders.folder(temp, "gamma-jar", FixtureProvider.Gamma.class));
        assertEquals(List.of("alpha", "gamma"), names(Hsms.providers(two)));
        NoProviderException e = assertThrows(NoProviderException.class, () -> Hsms.select(null, NOTHING_SET, two));
        assertTrue(e.getMessage().contains("several providers can serve any mechanism: alpha, gamma"), e.getMessage());
        assertTrue(e.getMessage().contains("PROVHSM_PROVIDER"), e.getMessage());
        assertEquals("gamma", Hsms.select(Mechanism.TPM, NOTHING_SET, two).name());
        assertEquals("alpha", Hsms.select(null, NOTHING_SET.with(HsmConfig.PROVIDER, "alpha"), two).name());
    }

    @Test
    void selectForAnyPicksTheOneProviderServingOneOfSeveralMechanisms() {
        ClassLoader two = ServiceFolders.loader(ServiceFolders.folder(temp, "alpha-jar", FixtureProvider.Alpha.class),
                ServiceFolders.folder(temp, "gamma-jar", FixtureProvider.Gamma.class));
        java.util.Set<Mechanism> signing = java.util.EnumSet.of(Mechanism.TPM, Mechanism.SYMMETRIC_KEY);
        assertEquals("gamma", Hsms.selectForAny(signing, NOTHING_SET, two).name());
        NoProviderException e = assertThrows(NoProviderException.class,
                () -> Hsms.selectForAny(signing, NOTHING_SET.with(HsmConfig.PROVIDER, "alpha"), two));
        assertEquals("provider 'alpha' does not serve TPM or SYMMETRIC_KEY; it serves [X509]", e.getMessage());
        assertThrows(NoProviderException.class, () -> Hsms.selectForAny(java.util.Set.of(), NOTHING_SET, two),
                "empty set means any mechanism: two candidates");
    }

    @Test
    void aProviderUsedOnlyWhenNamedIsNeverPickedUnaskedAndSaysSo() {
        ClassLoader loader = ServiceFolders.loader(ServiceFolders.folder(temp, "delta-jar", FixtureProvider.Delta.class));
        NoProviderException e = assertThrows(NoProviderException.class, () -> Hsms.select(null, NOTHING_SET, loader));
        assertTrue(e.getMessage().startsWith("no available provider for any mechanism; found: delta [X509] from "), e.getMessage());
        assertTrue(e.getMessage().contains(": available when named (fixture always available)"), e.getMessage());
        assertEquals("delta", Hsms.select(null, NOTHING_SET.with(HsmConfig.PROVIDER, "delta"), loader).name());
    }

    @Test
    void aNameClaimedByTwoJarsIsAnErrorNamingBoth() {
        ClassLoader twins = ServiceFolders.loader(ServiceFolders.folder(temp, "alpha-jar", FixtureProvider.Alpha.class),
                ServiceFolders.folder(temp, "alpha-twin-jar", FixtureProvider.AlphaTwin.class));
        for (HsmConfig config : List.of(NOTHING_SET, NOTHING_SET.with(HsmConfig.PROVIDER, "alpha"))) {
            NoProviderException e = assertThrows(NoProviderException.class, () -> Hsms.select(null, config, twins));
            assertTrue(e.getMessage().contains("'alpha' is claimed by 2 providers"), e.getMessage());
            assertTrue(e.getMessage().contains(FixtureProvider.Alpha.class.getName()), e.getMessage());
            assertTrue(e.getMessage().contains(FixtureProvider.AlphaTwin.class.getName()), e.getMessage());
        }
    }

    @Test
    void anUnknownNameListsEveryProviderFoundAndWhereTheNameCameFrom() {
        ClassLoader loader = ServiceFolders.loader(ServiceFolders.folder(temp, "jar",
                FixtureProvider.Alpha.class, FixtureProvider.Beta.class));
        Properties properties = new Properties();
        properties.setProperty(HsmConfig.PROVIDER, "tmp");
        HsmConfig config = HsmConfig.from(Map.of(), properties, Map.of());
        NoProviderException e = assertThrows(NoProviderException.class, () -> Hsms.select(null, config, loader));
        String message = e.getMessage();
        assertTrue(message.startsWith("no provider named 'tmp' (provhsm.provider (system property))"), message);
        assertTrue(message.contains("alpha [X509]") && message.contains("available"), message);
        assertTrue(message.contains("beta [TPM]") && message.contains(FixtureProvider.Beta.REASON), message);
    }

    @Test
    void aNamedProviderThatCannotRunHereGivesItsReason() {
        ClassLoader loader = ServiceFolders.loader(ServiceFolders.folder(temp, "beta-jar", FixtureProvider.Beta.class));
        NoProviderException e = assertThrows(NoProviderException.class,
                () -> Hsms.select(null, NOTHING_SET.with(HsmConfig.PROVIDER, "beta"), loader));
        assertEquals("provider 'beta' cannot run here: " + FixtureProvider.Beta.REASON, e.getMessage());
    }

    @Test
    void aNamedProviderForAnotherMechanismSaysWhatItServes() {
        ClassLoader loader = ServiceFolders.loader(ServiceFolders.folder(temp, "alpha-jar", FixtureProvider.Alpha.class));
        NoProviderException e = assertThrows(NoProviderException.class,
                () -> Hsms.select(Mechanism.TPM, NOTHING_SET.with(HsmConfig.PROVIDER, "alpha"), loader));
        assertEquals("provider 'alpha' does not serve TPM; it serves [X509]", e.getMessage());
    }

    @Test
    void brokenRegistrationsAreSkippedAndFailingProbesReportedAsUnavailable() {
        ClassLoader loader = ServiceFolders.loader(ServiceFolders.folder(temp, "jar", FixtureProvider.Alpha.class,
                FixtureProvider.Nameless.class, FixtureProvider.ThrowingProbe.class));
        assertEquals(List.of("alpha", "throwing-probe"), names(Hsms.providers(loader)));
        List<Hsms.ProviderInfo> survey = Hsms.survey(NOTHING_SET, loader);
        Hsms.ProviderInfo throwing = survey.get(1);
        assertFalse(throwing.availability().available());
        assertTrue(throwing.availability().reason().contains("probe exploded"), throwing.availability().reason());
        // the throwing provider is not a candidate, so alpha is the one
        assertEquals("alpha", Hsms.select(null, NOTHING_SET, loader).name());
    }

    @Test
    void aRegistrationOfAMissingClassIsSkipped() throws Exception {
        Path jar = ServiceFolders.folder(temp, "jar", FixtureProvider.Alpha.class);
        java.nio.file.Files.writeString(jar.resolve("META-INF/services/io.provhsm.spi.HsmProvider"),
                "io.provhsm.fixtures.DoesNotExist\n" + FixtureProvider.Alpha.class.getName() + "\n");
        assertEquals(List.of("alpha"), names(Hsms.providers(ServiceFolders.loader(jar))));
    }

    @Test
    void theClassPathHasTheSymmetricKeyProviderOfHsmApiAndTheTestFixtures() {
        List<HsmProvider> found = Hsms.providers(getClass().getClassLoader());
        assertEquals(List.of("alpha", "beta", "symmetric-key"), names(found));
        assertInstanceOf(SymmetricKeyProvider.class, found.get(2));
        // unconfigured, symmetric-key is not a candidate: alpha is the one available provider
        assertEquals("alpha", Hsms.select(null, NOTHING_SET, getClass().getClassLoader()).name());
    }

    @Test
    void openSymmetricKeyFindsTheConfiguredSoftwareProviderWithoutANameAndChecksTheSessionType() {
        byte[] key = new byte[32];
        key[0] = 7;
        HsmConfig config = HsmConfig.of(Map.of(SymmetricKeyProvider.KEY, Base64.getEncoder().encodeToString(key),
                SymmetricKeyProvider.REGISTRATION_ID, "device-1"));
        try (SymmetricKeyHsm hsm = Hsms.openSymmetricKey(config)) {
            assertEquals("device-1", hsm.registrationId());
            assertEquals(Mechanism.SYMMETRIC_KEY, hsm.mechanism());
        }
        NoProviderException e = assertThrows(NoProviderException.class, () -> Hsms.openTpm(config));
        assertTrue(e.getMessage().contains("beta [TPM]"), e.getMessage());
    }

    @Test
    void aSessionOfTheWrongTypeIsClosedAndReported() {
        byte[] key = new byte[32];
        HsmConfig config = HsmConfig.of(Map.of(SymmetricKeyProvider.KEY, Base64.getEncoder().encodeToString(key),
                SymmetricKeyProvider.REGISTRATION_ID, "device-1"));
        SymmetricKeyHsm[] opened = new SymmetricKeyHsm[1];
        HsmProvider mistyped = new FixtureProvider.Gamma() {
            @Override
            public Hsm open(Mechanism mechanism, HsmConfig c) {
                opened[0] = (SymmetricKeyHsm) new SymmetricKeyProvider().open(Mechanism.SYMMETRIC_KEY, c);
                return opened[0];
            }
        };
        HsmException e = assertThrows(HsmException.class, () -> Hsms.open(mistyped, Mechanism.TPM, config));
        assertTrue(e.getMessage().contains("which is not a TpmHsm"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> opened[0].sign(new byte[1]), "the stray session was closed");
    }
}
