package io.provhsm.spi;

import io.provhsm.HsmConfigException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.Set;

/**
 * One typed view of the settings, all keyed by their full name ({@code provhsm.dice.profile}).
 *
 * <p>Precedence, highest first:
 * <ol>
 *   <li>programmatic values ({@link #with}, the CLI's {@code --config KEY=VALUE});</li>
 *   <li>system properties ({@code -Dprovhsm.dice.profile=riot});</li>
 *   <li>environment variables: the key upper-cased, dots and dashes as underscores
 *       ({@code PROVHSM_DICE_PROFILE}).</li>
 * </ol>
 * Values are never shown by {@link #toString()} or in error messages: several settings are secrets.
 * Instances are immutable and thread-safe.
 */
public final class HsmConfig {
    /** Every key starts with this. */
    public static final String PREFIX = "provhsm.";
    /** Selects the provider by name. */
    public static final String PROVIDER = "provhsm.provider";

    /** The environment variables and system properties {@link #userDataDirectory()} reads: platform facts, not settings. */
    private static final Set<String> PLATFORM_VARIABLES = Set.of("XDG_DATA_HOME", "HOME", "LOCALAPPDATA");
    private static final Set<String> PLATFORM_PROPERTIES = Set.of("user.home", "os.name");

    private final Map<String, String> overrides;
    private final Map<String, String> systemProperties;
    private final Map<String, String> environment;
    /** {@link #PLATFORM_VARIABLES} and {@link #PLATFORM_PROPERTIES} of the sources; never shown, never a setting. */
    private final Map<String, String> platform;

    private HsmConfig(Map<String, String> overrides, Map<String, String> systemProperties, Map<String, String> environment,
                      Map<String, String> platform) {
        this.overrides = Collections.unmodifiableMap(new LinkedHashMap<>(overrides));
        this.systemProperties = Collections.unmodifiableMap(new LinkedHashMap<>(systemProperties));
        this.environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment));
        this.platform = Collections.unmodifiableMap(new LinkedHashMap<>(platform));
    }

    /** The settings of this process: system properties and environment, no programmatic values. */
    public static HsmConfig fromEnvironment() {
        return from(Map.of(), System.getProperties(), System.getenv());
    }

    /**
     * Programmatic values only: no setting is read from the process (for tests and embedded use). The user's
     * data directory ({@link #userDataDirectory()}) is still this process's.
     */
    public static HsmConfig of(Map<String, String> values) {
        HsmConfig settings = from(values, new Properties(), Map.of());
        return new HsmConfig(settings.overrides, Map.of(), Map.of(), platform(System.getProperties(), System.getenv()));
    }

    /** Explicit sources, for callers that manage their own. */
    public static HsmConfig from(Map<String, String> overrides, Properties systemProperties, Map<String, String> environment) {
        overrides.keySet().forEach(HsmConfig::checkKey);
        Map<String, String> props = new LinkedHashMap<>();
        for (String name : systemProperties.stringPropertyNames()) {
            if (name.startsWith(PREFIX)) {
                props.put(name, systemProperties.getProperty(name));
            }
        }
        Map<String, String> env = new LinkedHashMap<>();
        environment.forEach((name, value) -> {
            if (name.startsWith("PROVHSM_")) {
                env.put(name, value);
            }
        });
        return new HsmConfig(overrides, props, env, platform(systemProperties, environment));
    }

    private static Map<String, String> platform(Properties systemProperties, Map<String, String> environment) {
        Map<String, String> platform = new LinkedHashMap<>();
        PLATFORM_PROPERTIES.forEach(name -> {
            String value = systemProperties.getProperty(name);
            if (value != null) {
                platform.put(name, value);
            }
        });
        PLATFORM_VARIABLES.forEach(name -> {
            String value = environment.get(name);
            if (value != null) {
                platform.put(name, value);
            }
        });
        return platform;
    }

    /** A copy with one programmatic value set (it wins over properties and environment). */
    public HsmConfig with(String key, String value) {
        checkKey(key);
        Objects.requireNonNull(value, () -> "value of " + key);
        Map<String, String> copy = new LinkedHashMap<>(overrides);
        copy.put(key, value);
        return new HsmConfig(copy, systemProperties, environment, platform);
    }

    /** A copy with several programmatic values set. */
    public HsmConfig with(Map<String, String> values) {
        HsmConfig config = this;
        for (Map.Entry<String, String> e : values.entrySet()) {
            config = config.with(e.getKey(), e.getValue());
        }
        return config;
    }

    /** The environment variable that carries a key: {@code provhsm.dice.uds-file} is {@code PROVHSM_DICE_UDS_FILE}. */
    public static String environmentName(String key) {
        checkKey(key);
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    public Optional<String> get(String key) {
        checkKey(key);
        String value = overrides.get(key);
        if (value == null) {
            value = systemProperties.get(key);
        }
        if (value == null) {
            value = environment.get(environmentName(key));
        }
        return Optional.ofNullable(value).map(String::strip).filter(v -> !v.isEmpty());
    }

    public String get(String key, String defaultValue) {
        return get(key).orElse(defaultValue);
    }

    /** The value, or an error naming the key and both ways to set it. */
    public String require(String key) {
        return get(key).orElseThrow(() -> new HsmConfigException(
                "setting " + key + " is required (system property " + key + " or environment " + environmentName(key) + ")"));
    }

    /** Where the value of a key comes from, for messages: "provhsm.x (system property)". */
    public String describe(String key) {
        checkKey(key);
        String source;
        if (overrides.containsKey(key)) {
            source = "configuration";
        } else if (systemProperties.containsKey(key)) {
            source = "system property";
        } else if (environment.containsKey(environmentName(key))) {
            source = "environment " + environmentName(key);
        } else {
            source = "not set";
        }
        return key + " (" + source + ")";
    }

    /**
     * A hex value that must have one of the given lengths in bytes (none given: any length). For secrets (keys,
     * UDS): an error gives lengths, never the digits, unlike {@link #integer}, {@link #flag} and {@link #choice},
     * which show the malformed value so a mistyped profile name can be spotted.
     */
    public Optional<byte[]> hex(String key, int... allowedLengths) {
        Optional<String> text = get(key);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        byte[] bytes;
        try {
            bytes = HexFormat.of().parseHex(text.get());
        } catch (IllegalArgumentException e) {
            throw new HsmConfigException(describe(key) + " is not hex (" + text.get().length() + " characters)");
        }
        if (allowedLengths.length > 0) {
            boolean ok = false;
            StringBuilder expected = new StringBuilder();
            for (int length : allowedLengths) {
                ok |= bytes.length == length;
                expected.append(expected.length() == 0 ? "" : " or ").append(length);
            }
            if (!ok) {
                int actual = bytes.length;
                java.util.Arrays.fill(bytes, (byte) 0);
                throw new HsmConfigException(describe(key) + " must be " + expected + " bytes, got " + actual);
            }
        }
        return Optional.of(bytes);
    }

    public Optional<Path> path(String key) {
        return get(key).map(v -> {
            try {
                return Path.of(v);
            } catch (java.nio.file.InvalidPathException e) {
                throw new HsmConfigException(describe(key) + " is not a valid path: " + e.getReason());
            }
        });
    }

    public int integer(String key, int defaultValue) {
        Optional<String> text = get(key);
        if (text.isEmpty()) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(text.get());
        } catch (NumberFormatException e) {
            throw new HsmConfigException(describe(key) + " is not an integer: '" + text.get() + "'");
        }
    }

    public boolean flag(String key, boolean defaultValue) {
        Optional<String> text = get(key);
        if (text.isEmpty()) {
            return defaultValue;
        }
        switch (text.get().toLowerCase(Locale.ROOT)) {
            case "true": case "yes": case "1": case "on": return true;
            case "false": case "no": case "0": case "off": return false;
            default: throw new HsmConfigException(describe(key) + " must be true or false, got '" + text.get() + "'");
        }
    }

    /** A value that must be one of the given choices, or the default when unset. */
    public String choice(String key, String defaultValue, Set<String> choices) {
        String value = get(key, defaultValue);
        if (!choices.contains(value)) {
            throw new HsmConfigException(describe(key) + " must be one of " + new TreeSet<>(choices) + ", got '" + value + "'");
        }
        return value;
    }

    /**
     * provhsm's directory in the user's data directory, where providers keep state unless a setting of theirs
     * says otherwise: {@code $XDG_DATA_HOME/provhsm} when XDG_DATA_HOME is an absolute path; else
     * {@code %LOCALAPPDATA%\provhsm} on Windows ({@code ~\AppData\Local\provhsm} without it),
     * {@code ~/Library/Application Support/provhsm} on macOS and {@code ~/.local/share/provhsm} elsewhere, where
     * {@code ~} is {@code $HOME} (when absolute) or else the system property {@code user.home}. Read from this
     * configuration's environment and system-property sources ({@link #from}), so a caller or test can point it
     * elsewhere; nothing is created.
     *
     * @throws HsmConfigException if no home directory is known
     */
    public Path userDataDirectory() {
        Optional<Path> xdg = absolutePath(platform.get("XDG_DATA_HOME"));
        if (xdg.isPresent()) {
            return xdg.get().resolve("provhsm");
        }
        String os = platform.getOrDefault("os.name", "");
        if (os.startsWith("Windows")) {
            return absolutePath(platform.get("LOCALAPPDATA")).orElseGet(() -> home(false).resolve("AppData").resolve("Local"))
                    .resolve("provhsm");
        }
        Path home = home(true);
        return (os.startsWith("Mac") ? home.resolve("Library").resolve("Application Support")
                : home.resolve(".local").resolve("share")).resolve("provhsm");
    }

    private Path home(boolean fromEnvironment) {
        Optional<Path> home = fromEnvironment ? absolutePath(platform.get("HOME")) : Optional.empty();
        return home.or(() -> absolutePath(platform.get("user.home"))).orElseThrow(() -> new HsmConfigException(
                "no home directory is known (neither HOME nor user.home is an absolute path): set XDG_DATA_HOME,"
                        + " or the provider's own directory setting"));
    }

    private static Optional<Path> absolutePath(String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        try {
            Path path = Path.of(value);
            return path.isAbsolute() ? Optional.of(path) : Optional.empty();
        } catch (java.nio.file.InvalidPathException e) {
            return Optional.empty();
        }
    }

    /** The keys set from any source (environment ones under their variable names); no values. */
    public Set<String> keys() {
        Set<String> keys = new TreeSet<>(overrides.keySet());
        keys.addAll(systemProperties.keySet());
        keys.addAll(environment.keySet());
        return keys;
    }

    @Override
    public String toString() {
        return "HsmConfig" + keys();
    }

    /**
     * Whether {@code text} has the form of a setting key ({@code provhsm.} then lowercase letters, digits, dots and
     * dashes). Command lines use it to tell a key, which may be shown, from a value, which may be a secret.
     */
    public static boolean isSettingKey(String text) {
        return text != null && SETTING_KEY.matcher(text).matches();
    }

    private static final Pattern SETTING_KEY = Pattern.compile("provhsm\\.[a-z0-9.-]{1,100}");
    /** Looks like a dotted name; base64 (a pasted secret) never contains a dot. */
    private static final Pattern DOTTED_NAME = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)+");

    private static void checkKey(String key) {
        Objects.requireNonNull(key, "key");
        if (!key.startsWith(PREFIX) || key.length() == PREFIX.length()) {
            String shown = DOTTED_NAME.matcher(key).matches() && key.length() <= 100
                    ? "'" + key + "'" : "of " + key.length() + " characters (not shown: it may be a value)";
            throw new HsmConfigException("setting " + shown + " is not a provhsm setting: keys start with " + PREFIX);
        }
    }
}
