package io.provhsm.tpm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.provhsm.tpm.sim.Swtpm;
import io.provhsm.tpm.transport.TcpTransport;
import io.provhsm.tpm.transport.TctiTransport;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SmokeTest {
    @TempDir Path temp;

    @Test
    void smoke() {
        try (Swtpm swtpm = Swtpm.start(Swtpm.copyState(TpmVectors.SWTPM_STATE, temp.resolve("s")))) {
            for (int round = 0; round < 2; round++) {
                try (TpmDeviceHsm hsm = TpmDeviceHsm.open(round == 0 ? new TcpTransport("127.0.0.1", swtpm.dataPort(), 5000)
                        : new TctiTransport(swtpm.tcti()))) {
                    assertArrayEquals(TpmVectors.ek(), hsm.endorsementKey());
                    assertArrayEquals(TpmVectors.srk(), hsm.storageRootKey());
                    assertEquals(TpmVectors.registrationId(), hsm.registrationId());
                    hsm.activateIdentityKey(round == 0 ? TpmVectors.blob1() : TpmVectors.blob2());
                    Map<String, byte[]> expected = TpmVectors.expectedHmacs(round + 1);
                    TpmVectors.messages().forEach((name, msg) -> assertArrayEquals(expected.get(name), hsm.signWithIdentity(msg), name));
                }
            }
        }
    }
}
