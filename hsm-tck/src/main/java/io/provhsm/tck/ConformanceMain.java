package io.provhsm.tck;

import io.provhsm.HsmConfigException;
import io.provhsm.Mechanism;
import io.provhsm.NoProviderException;
import io.provhsm.spi.HsmConfig;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code java -jar hsm-tck.jar --provider NAME [--classpath vendor.jar] [--config KEY=VALUE]... [--mechanism M]... [--junit-xml FILE]
 * [--allow-identity-replacement]}: runs the kit against one provider, prints the report and writes JUnit XML. The rules
 * that replace the device's identity run only with {@code --allow-identity-replacement}. Exit 0 only when every
 * required rule passes; 1 when one fails; 2 for a usage error; 3 when the provider cannot be found or run.
 */
public final class ConformanceMain {
    /** What a setting's key looks like (as the provhsm command checks it): the part of an argument that may be shown. */
    static final int CONFORMANT = 0;
    static final int NOT_CONFORMANT = 1;
    static final int USAGE = 2;
    static final int NO_PROVIDER = 3;

    private ConformanceMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the kit as the command line would and returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        String provider = null;
        List<Path> classpath = new ArrayList<>();
        Map<String, String> config = new LinkedHashMap<>();
        Path junitXml = null;
        Set<Mechanism> mechanisms = EnumSet.noneOf(Mechanism.class);
        boolean allowIdentityReplacement = false;
        try {
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "--provider" -> provider = value(args, ++i, arg);
                    case "--classpath", "-cp" -> {
                        for (String entry : value(args, ++i, arg).split(File.pathSeparator)) {
                            Path path = Path.of(entry);
                            if (!Files.exists(path)) {
                                throw new IllegalArgumentException("--classpath entry " + entry + " does not exist");
                            }
                            classpath.add(path);
                        }
                    }
                    case "--config" -> {
                        String entry = value(args, ++i, arg);
                        int eq = entry.indexOf('=');
                        if (eq <= 0) {
                            // never the value: an entry without its key (or '=') may be a secret pasted on its own
                            throw new IllegalArgumentException(eq == 0 ? "--config takes KEY=VALUE; an argument has no key before '='"
                                    : HsmConfig.isSettingKey(entry) ? "--config '" + entry + "' is not KEY=VALUE"
                                    : "--config takes KEY=VALUE; an argument has no '=' (not shown)");
                        }
                        String key = entry.substring(0, eq).strip();
                        if (!HsmConfig.isSettingKey(key)) {
                            // base64 ends in '=': a pasted secret looks like KEY=VALUE, so its "key" is not shown either
                            throw new IllegalArgumentException("--config takes KEY=VALUE with a provhsm.* key; an argument's key "
                                    + "is not one (not shown)");
                        }
                        config.put(key, entry.substring(eq + 1));
                    }
                    case "--junit-xml" -> junitXml = Path.of(value(args, ++i, arg));
                    case "--mechanism" -> {
                        String name = value(args, ++i, arg);
                        try {
                            mechanisms.add(Mechanism.valueOf(name.toUpperCase(java.util.Locale.ROOT).replace('-', '_')));
                        } catch (IllegalArgumentException e) {
                            throw new IllegalArgumentException("--mechanism '" + name + "' is not TPM, X509 or SYMMETRIC_KEY");
                        }
                    }
                    case "--allow-identity-replacement" -> allowIdentityReplacement = true;
                    case "--help", "-h" -> {
                        out.println(usage());
                        return CONFORMANT;
                    }
                    default -> throw new IllegalArgumentException("unknown argument " + withoutValue(arg));
                }
            }
            if (provider == null) {
                throw new IllegalArgumentException("--provider NAME is required");
            }
        } catch (IllegalArgumentException e) {
            err.println("provhsm-tck: " + e.getMessage());
            err.println(usage());
            return USAGE;
        }
        if (junitXml == null) {
            junitXml = Path.of("provhsm-tck-results", "TEST-provhsm-tck." + provider + ".xml");
        }
        ClassLoader parent = ConformanceMain.class.getClassLoader();
        try (URLClassLoader loader = new URLClassLoader(urls(classpath), parent)) {
            ConformanceKit kit = ConformanceKit.provider(provider)
                    .config(HsmConfig.fromEnvironment().with(config))
                    .classLoader(loader);
            if (!mechanisms.isEmpty()) {
                kit.mechanisms(mechanisms);
            }
            if (allowIdentityReplacement) {
                kit.allowIdentityReplacement();
            }
            ConformanceResults results = kit.execute();
            out.print(results.report());
            results.writeJunitXml(junitXml);
            out.println("JUnit XML: " + junitXml.toAbsolutePath());
            out.flush();
            return results.conformant() ? CONFORMANT : NOT_CONFORMANT;
        } catch (NoProviderException e) {
            err.println("provhsm-tck: " + e.getMessage());
            return NO_PROVIDER;
        } catch (HsmConfigException e) {
            err.println("provhsm-tck: " + e.getMessage());
            return USAGE;
        } catch (IOException e) {
            err.println("provhsm-tck: cannot write " + junitXml + ": " + e.getMessage());
            return USAGE;
        }
    }

    /**
     * An argument as it may be shown: an option's name, a setting's key; anything else may be a secret (a mistyped
     * {@code --confg provhsm.x.key=SECRET}, or base64 that ends in '='), as the provhsm command shows them.
     */
    static String withoutValue(String argument) {
        int eq = argument.indexOf('=');
        String name = eq < 0 ? argument : argument.substring(0, eq);
        if (argument.startsWith("-") || HsmConfig.isSettingKey(name)) {
            return "'" + (eq < 0 ? argument : name + "=(value not shown)") + "'";
        }
        return "(not shown)";
    }

    private static String value(String[] args, int index, String option) {
        if (index >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[index];
    }

    private static URL[] urls(List<Path> paths) {
        URL[] urls = new URL[paths.size()];
        for (int i = 0; i < urls.length; i++) {
            try {
                urls[i] = paths.get(i).toUri().toURL();
            } catch (MalformedURLException e) {
                throw new IllegalArgumentException("--classpath entry " + paths.get(i) + " is not a valid path");
            }
        }
        return urls;
    }

    static String usage() {
        return "usage: java -jar hsm-tck.jar --provider NAME [--classpath vendor.jar" + File.pathSeparator
                + "more.jar] [--config KEY=VALUE]... [--mechanism TPM|X509|SYMMETRIC_KEY]... [--junit-xml FILE]\n"
                + "       [--allow-identity-replacement]   also run the rules that replace the device's identity (an unprovisioned device only)";
    }
}
