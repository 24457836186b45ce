package io.provhsm.tpm;

import io.provhsm.tpm.transport.TcpTransport;
import io.provhsm.tpm.transport.TpmTransport;
import java.util.Map;

/** The suite over the pure-Java TCP transport to swtpm's data port. */
class TcpTransportTpmTest extends SwtpmControlledSuite {
    @Override
    TpmTransport transport() {
        return new TcpTransport("127.0.0.1", swtpm.dataPort(), 10_000);
    }

    @Override
    Map.Entry<String, String> setting() {
        return Map.entry(TpmSettings.TCP, swtpm.tcpAddress());
    }
}
