package io.provhsm;

import io.provhsm.spi.Availability;
import io.provhsm.spi.HsmConfig;
import io.provhsm.spi.HsmProvider;
import java.lang.System.Logger.Level;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Finds providers with {@link ServiceLoader} and opens sessions on the selected one.
 *
 * <p>Selection: the provider named by {@code provhsm.provider} (system property, {@code PROVHSM_PROVIDER}
 * or configuration) if given; otherwise the one available provider serving the mechanism among those
 * selectable by default. Every failure is a {@link NoProviderException} that lists each provider found
 * and why it can or cannot serve.
 */
public final class Hsms {
    private static final System.Logger LOG = System.getLogger(Hsms.class.getName());

    private Hsms() {
    }

    /** What discovery knows of one provider. */
    public record ProviderInfo(HsmProvider provider, String name, Set<Mechanism> mechanisms, String location,
                               Availability availability) {
        public String describe() {
            String state = !availability.available() ? "unavailable ("
                    : provider.selectableByDefault() ? "available (" : "available when named (";
            return name + " " + mechanisms + " from " + location + ": " + state + availability.reason() + ")";
        }
    }

    /** Every provider registered on the class path or module path of the context class loader. */
    public static List<HsmProvider> providers() {
        return providers(contextLoader());
    }

    /** Every provider visible to {@code loader}, sorted by name. Broken registrations are logged and skipped. */
    public static List<HsmProvider> providers(ClassLoader loader) {
        List<HsmProvider> found = new ArrayList<>();
        ServiceLoader<HsmProvider> serviceLoader = ServiceLoader.load(HsmProvider.class, loader);
        var iterator = serviceLoader.iterator();
        while (true) {
            try {
                if (!iterator.hasNext()) {
                    break;
                }
                HsmProvider provider = iterator.next();
                String problem = problem(provider);
                if (problem == null) {
                    found.add(provider);
                } else {
                    LOG.log(Level.WARNING, "skipping provider " + provider.getClass().getName() + " from " + location(provider)
                            + ": " + problem);
                }
            } catch (ServiceConfigurationError e) {
                LOG.log(Level.WARNING, "skipping a provider that cannot be loaded: " + e.getMessage());
            }
        }
        found.sort(Comparator.comparing(HsmProvider::name).thenComparing(p -> p.getClass().getName()));
        return found;
    }

    /** Every provider with its availability under {@code config}. */
    public static List<ProviderInfo> survey(HsmConfig config, ClassLoader loader) {
        List<ProviderInfo> infos = new ArrayList<>();
        for (HsmProvider provider : providers(loader)) {
            infos.add(info(provider, config));
        }
        return infos;
    }

    public static List<ProviderInfo> survey(HsmConfig config) {
        return survey(config, contextLoader());
    }

    /**
     * The provider that serves {@code mechanism} under {@code config} ({@code mechanism} null: any).
     *
     * @throws NoProviderException naming what was found and why none fits
     */
    public static HsmProvider select(Mechanism mechanism, HsmConfig config, ClassLoader loader) {
        return selectForAny(mechanism == null ? Set.of() : EnumSet.of(mechanism), config, loader);
    }

    /**
     * The provider that serves at least one of {@code mechanisms} under {@code config} (empty: any), e.g. a
     * command that signs takes {@code TPM} or {@code SYMMETRIC_KEY}.
     *
     * @throws NoProviderException naming what was found and why none fits
     */
    public static HsmProvider selectForAny(Set<Mechanism> mechanisms, HsmConfig config, ClassLoader loader) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(mechanisms, "mechanisms");
        List<HsmProvider> all = providers(loader);
        String wanted = config.get(HsmConfig.PROVIDER).orElse(null);
        String what = mechanisms.isEmpty() ? "any mechanism"
                : mechanisms.stream().sorted().map(Mechanism::name).collect(Collectors.joining(" or "));
        if (all.isEmpty()) {
            String message = "no provhsm provider on the class path (looked for META-INF/services/"
                    + HsmProvider.class.getName() + "); add a provider jar such as hsm-x509-dice";
            throw new NoProviderException(message);
        }
        if (wanted != null) {
            List<HsmProvider> named = all.stream().filter(p -> p.name().equals(wanted)).collect(Collectors.toList());
            if (named.isEmpty()) {
                throw new NoProviderException("no provider named '" + wanted + "' (" + config.describe(HsmConfig.PROVIDER)
                        + "); found: " + listing(all, config));
            }
            if (named.size() > 1) {
                throw duplicateName(wanted, named);
            }
            HsmProvider provider = named.get(0);
            if (!servesAny(provider, mechanisms)) {
                throw new NoProviderException("provider '" + wanted + "' does not serve " + what
                        + "; it serves " + provider.mechanisms());
            }
            Availability availability = probe(provider, config);
            if (!availability.available()) {
                throw new NoProviderException("provider '" + wanted + "' cannot run here: " + availability.reason());
            }
            return provider;
        }
        List<HsmProvider> candidates = new ArrayList<>();
        for (HsmProvider provider : all) {
            if (servesAny(provider, mechanisms) && provider.selectableByDefault()
                    && probe(provider, config).available()) {
                candidates.add(provider);
            }
        }
        if (candidates.size() == 1) {
            return candidates.get(0);
        }
        for (HsmProvider candidate : candidates) {
            List<HsmProvider> sameName = candidates.stream().filter(p -> p.name().equals(candidate.name())).toList();
            if (sameName.size() > 1) {
                throw duplicateName(candidate.name(), sameName);
            }
        }
        if (candidates.isEmpty()) {
            String message = "no available provider for " + what + "; found: " + listing(all, config)
                    + "; name one with " + HsmConfig.PROVIDER + " or " + HsmConfig.environmentName(HsmConfig.PROVIDER);
            throw new NoProviderException(message);
        }
        throw new NoProviderException("several providers can serve " + what + ": "
                + candidates.stream().map(HsmProvider::name).collect(Collectors.joining(", "))
                + "; choose one with " + HsmConfig.PROVIDER + " or " + HsmConfig.environmentName(HsmConfig.PROVIDER));
    }

    public static HsmProvider select(Mechanism mechanism, HsmConfig config) {
        return select(mechanism, config, contextLoader());
    }

    public static HsmProvider selectForAny(Set<Mechanism> mechanisms, HsmConfig config) {
        return selectForAny(mechanisms, config, contextLoader());
    }

    private static boolean servesAny(HsmProvider provider, Set<Mechanism> mechanisms) {
        return mechanisms.isEmpty() || mechanisms.stream().anyMatch(provider.mechanisms()::contains);
    }

    /** Opens a session on the selected provider, for the mechanism it serves (the first, if several). */
    public static Hsm open(HsmConfig config) {
        HsmProvider provider = select(null, config);
        Mechanism mechanism = provider.mechanisms().stream().sorted().findFirst()
                .orElseThrow(() -> new NoProviderException("provider '" + provider.name() + "' serves no mechanism"));
        return open(provider, mechanism, config);
    }

    public static TpmHsm openTpm(HsmConfig config) {
        return (TpmHsm) open(select(Mechanism.TPM, config), Mechanism.TPM, config);
    }

    public static TpmHsm openTpm() {
        return openTpm(HsmConfig.fromEnvironment());
    }

    public static X509Hsm openX509(HsmConfig config) {
        return (X509Hsm) open(select(Mechanism.X509, config), Mechanism.X509, config);
    }

    public static X509Hsm openX509() {
        return openX509(HsmConfig.fromEnvironment());
    }

    public static SymmetricKeyHsm openSymmetricKey(HsmConfig config) {
        return (SymmetricKeyHsm) open(select(Mechanism.SYMMETRIC_KEY, config), Mechanism.SYMMETRIC_KEY, config);
    }

    public static SymmetricKeyHsm openSymmetricKey() {
        return openSymmetricKey(HsmConfig.fromEnvironment());
    }

    /** Opens {@code mechanism} on {@code provider} and checks that the session has the promised type. */
    public static Hsm open(HsmProvider provider, Mechanism mechanism, HsmConfig config) {
        Hsm hsm = provider.open(mechanism, config);
        Class<? extends Hsm> expected = switch (mechanism) {
            case TPM -> TpmHsm.class;
            case X509 -> X509Hsm.class;
            case SYMMETRIC_KEY -> SymmetricKeyHsm.class;
        };
        if (!expected.isInstance(hsm)) {
            String got = hsm == null ? "null" : hsm.getClass().getName();
            if (hsm != null) {
                hsm.close();
            }
            throw new HsmException("provider '" + provider.name() + "' returned " + got + " for " + mechanism
                    + ", which is not a " + expected.getSimpleName());
        }
        return hsm;
    }

    private static NoProviderException duplicateName(String name, List<HsmProvider> claimants) {
        String all = claimants.stream().map(p -> p.getClass().getName() + " from " + location(p))
                .collect(Collectors.joining(" and "));
        return new NoProviderException("provider name '" + name + "' is claimed by " + claimants.size()
                + " providers: " + all + "; remove one jar from the class path");
    }

    /** Why a loaded provider cannot take part in discovery, or null if it can. */
    private static String problem(HsmProvider provider) {
        try {
            String name = provider.name();
            if (name == null || name.isBlank()) {
                return "its name() is empty";
            }
            Set<Mechanism> mechanisms = provider.mechanisms();
            if (mechanisms == null || mechanisms.isEmpty()) {
                return "it serves no mechanism";
            }
            return null;
        } catch (RuntimeException e) {
            return "its name() or mechanisms() failed: " + e;
        }
    }

    private static ProviderInfo info(HsmProvider provider, HsmConfig config) {
        return new ProviderInfo(provider, provider.name(), provider.mechanisms(), location(provider), probe(provider, config));
    }

    private static Availability probe(HsmProvider provider, HsmConfig config) {
        try {
            Availability availability = provider.availability(config);
            return availability == null ? Availability.unavailable("its availability probe returned null") : availability;
        } catch (RuntimeException e) {
            return Availability.unavailable("its availability probe failed: " + e);
        }
    }

    private static String listing(List<HsmProvider> providers, HsmConfig config) {
        Map<String, String> lines = new LinkedHashMap<>();
        for (HsmProvider provider : providers) {
            lines.put(provider.getClass().getName(), info(provider, config).describe());
        }
        return String.join("; ", lines.values());
    }

    private static String location(HsmProvider provider) {
        CodeSource source = provider.getClass().getProtectionDomain().getCodeSource();
        return source == null || source.getLocation() == null ? provider.getClass().getName() : source.getLocation().toString();
    }

    private static ClassLoader contextLoader() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return loader != null ? loader : Hsms.class.getClassLoader();
    }
}
