package io.provhsm.custom;

import static org.junit.jupiter.api.Assertions.fail;

import io.provhsm.spi.HsmConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** The CMake-built libraries under test (system property provhsm.native.dir, set by the build). */
final class NativeLibraries {
    static final String EXAMPLE = "custom_hsm_example";
    static final String TEMPLATE = "custom_hsm_template";

    private NativeLibraries() {
    }

    static Path dir() {
        String dir = System.getProperty("provhsm.native.dir");
        if (dir == null || !Files.isDirectory(Path.of(dir))) {
            fail("native libraries not built: provhsm.native.dir=" + dir + " (the root Maven build runs CMake)");
        }
        return Path.of(dir);
    }

    static String path(String name) {
        Path library = dir().resolve(System.mapLibraryName(name));
        if (!Files.isRegularFile(library)) {
            fail("native library missing: " + library + " (the root Maven build runs CMake)");
        }
        return library.toString();
    }

    static String broken(String variant) {
        return path("broken_hsm_" + variant);
    }

    static HsmConfig config(String library, String binding) {
        return HsmConfig.of(Map.of(CustomSettings.LIBRARY, library, CustomSettings.BINDING, binding));
    }
}
