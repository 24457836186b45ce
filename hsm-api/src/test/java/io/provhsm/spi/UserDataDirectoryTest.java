package io.provhsm.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.provhsm.HsmConfigException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** provhsm's user data directory on each platform, read from the configuration's sources. */
class UserDataDirectoryTest {

    private static Path directory(String os, String userHome, Map<String, String> environment) {
        Properties properties = new Properties();
        properties.setProperty("os.name", os);
        if (userHome != null) {
            properties.setProperty("user.home", userHome);
        }
        return HsmConfig.from(Map.of(), properties, environment).userDataDirectory();
    }

    @Test
    void xdgDataHomeWinsOnEveryPlatformWhenAbsolute() {
        for (String os : new String[] {"Linux", "Mac OS X", "Windows 11"}) {
            assertEquals(Path.of("/xdg/provhsm"), directory(os, "/home/java",
                    Map.of("XDG_DATA_HOME", "/xdg", "HOME", "/home/env", "LOCALAPPDATA", "/local")), os);
        }
        // a relative XDG_DATA_HOME is invalid by the XDG spec and ignored
        assertEquals(Path.of("/home/env/.local/share/provhsm"), directory("Linux", "/home/java",
                Map.of("XDG_DATA_HOME", "relative/dir", "HOME", "/home/env")));
    }

    @Test
    void unixUsesHomeFromTheEnvironmentThenUserHome() {
        assertEquals(Path.of("/home/env/.local/share/provhsm"), directory("Linux", "/home/java", Map.of("HOME", "/home/env")));
        assertEquals(Path.of("/home/java/.local/share/provhsm"), directory("Linux", "/home/java", Map.of()));
        assertEquals(Path.of("/home/java/.local/share/provhsm"), directory("FreeBSD", "/home/java", Map.of("HOME", " ")));
    }

    @Test
    void macOsUsesApplicationSupport() {
        assertEquals(Path.of("/Users/u/Library/Application Support/provhsm"), directory("Mac OS X", "/Users/java",
                Map.of("HOME", "/Users/u")));
    }

    @Test
    void windowsUsesLocalAppDataElseTheProfile() {
        // Unix-style absolute paths stand in for C:\... (Path.of on this platform)
        assertEquals(Path.of("/c/Users/u/AppData/Local/provhsm"), directory("Windows 10", "/c/Users/java",
                Map.of("LOCALAPPDATA", "/c/Users/u/AppData/Local", "HOME", "/ignored")));
        assertEquals(Path.of("/c/Users/java/AppData/Local/provhsm"), directory("Windows 10", "/c/Users/java",
                Map.of("HOME", "/ignored")));
    }

    @Test
    void noKnownHomeIsAConfigurationErrorSayingWhatToSet() {
        HsmConfigException e = assertThrows(HsmConfigException.class, () -> directory("Linux", null, Map.of()));
        assertTrue(e.getMessage().contains("XDG_DATA_HOME"), e.getMessage());
    }

    @Test
    void platformVariablesAreNeitherSettingsNorShownAndSurviveWith() {
        HsmConfig config = HsmConfig.from(Map.of(), new Properties(), Map.of("XDG_DATA_HOME", "/xdg", "PROVHSM_PROVIDER", "a"))
                .with("provhsm.dice.profile", "riot");
        assertEquals("HsmConfig[PROVHSM_PROVIDER, provhsm.dice.profile]", config.toString());
        assertEquals(Path.of("/xdg/provhsm"), config.userDataDirectory());
    }

    @Test
    void ofUsesThisProcesssDirectory() {
        assertEquals(HsmConfig.fromEnvironment().userDataDirectory(), HsmConfig.of(Map.of()).userDataDirectory());
    }
}
