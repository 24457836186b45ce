package io.provhsm.dice;

import io.provhsm.Hsms;
import io.provhsm.Mechanism;
import io.provhsm.spi.HsmConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Opens dice sessions through discovery, with the data directory in a test's temporary folder. */
final class DiceSessions {
    private DiceSessions() {
    }

    static HsmConfig config(Path dataDir, String... keyValues) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put(HsmConfig.PROVIDER, "dice");
        values.put(DiceSettings.DATA_DIR, dataDir.toString());
        for (int i = 0; i < keyValues.length; i += 2) {
            values.put(keyValues[i], keyValues[i + 1]);
        }
        return HsmConfig.of(values);
    }

    static DiceX509Hsm open(Path dataDir, String... keyValues) {
        return (DiceX509Hsm) Hsms.openX509(config(dataDir, keyValues));
    }

    static DiceX509Hsm open(HsmConfig config) {
        return (DiceX509Hsm) Hsms.open(new DiceProvider(), Mechanism.X509, config);
    }
}
