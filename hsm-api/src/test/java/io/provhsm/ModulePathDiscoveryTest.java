package io.provhsm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.provhsm.spi.HsmProvider;
import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Discovery on the module path: hsm-api's compiled module, alone in a fresh module layer, finds its
 * symmetric-key provider through {@code provides} in module-info (no META-INF/services involved).
 */
class ModulePathDiscoveryTest {

    @Test
    void theApiModuleFindsProvidersDeclaredWithProvides() throws Exception {
        Path apiModule = Path.of(HsmProvider.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Configuration configuration = ModuleLayer.boot().configuration()
                .resolveAndBind(ModuleFinder.of(apiModule), ModuleFinder.of(), Set.of("io.provhsm.api"));
        ModuleLayer layer = ModuleLayer.boot().defineModulesWithOneLoader(configuration, ClassLoader.getPlatformClassLoader());
        ClassLoader loader = layer.findLoader("io.provhsm.api");
        Class<?> hsms = loader.loadClass(Hsms.class.getName());
        assertTrue(hsms.getModule().isNamed(), "Hsms comes from the named module, not the class path");

        List<?> providers = (List<?>) hsms.getMethod("providers", ClassLoader.class).invoke(null, loader);
        assertEquals(1, providers.size(), providers::toString);
        Object provider = providers.get(0);
        assertEquals("io.provhsm.symmetric.SymmetricKeyProvider", provider.getClass().getName());
        assertEquals("io.provhsm.api", provider.getClass().getModule().getName());
        // the implementation package is not exported: reach it through the exported SPI interface
        assertEquals("symmetric-key", loader.loadClass(HsmProvider.class.getName()).getMethod("name").invoke(provider));
    }
}
