package io.provhsm.tpm;

import io.provhsm.tpm.transport.TctiTransport;
import io.provhsm.tpm.transport.TpmTransport;
import java.util.Map;

/** The suite over tpm2-tss's TCTI loader (JNA) with the swtpm TCTI. */
class TctiTransportTpmTest extends SwtpmControlledSuite {
    @Override
    TpmTransport transport() {
        return new TctiTransport(swtpm.tcti());
    }

    @Override
    Map.Entry<String, String> setting() {
        return Map.entry(TpmSettings.TCTI, swtpm.tcti());
    }
}
