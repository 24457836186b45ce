package io.provhsm.tpm.transport;

import io.provhsm.HsmConfigException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * A pure-Java client for a TPM simulator's data port (swtpm), raw TPM command framing, on one kept-open
 * socket with TCP_NODELAY (without it every command waits for delayed ACKs: ~44 ms instead of ~75 us).
 *
 * <p>After sending, the caller polls the socket for up to {@link #SPIN_NANOS} before blocking in read: a
 * simulator answers a short command in ~20 us, but a thread that blocks lets its CPU halt, and on a VM
 * waking a halted vCPU when the answer arrives costs ~50 us more (measured by TpmSignBenchmark's
 * {@code split} placement: 73-86 us per call blocking, ~30 us polling). The spin spends that much CPU per
 * command at most; it is off on a single CPU, where it would only delay the simulator.
 *
 * <p>If a kept-open connection turns out dead before any byte of the response arrived (the simulator was
 * restarted), the command is sent once more on a new connection: the old process cannot have answered it.
 */
public final class TcpTransport extends TpmTransport {
    /** How long to poll for the first response byte before blocking (see the class comment). */
    static final long SPIN_NANOS = 100_000;
    private static final boolean SPIN = Runtime.getRuntime().availableProcessors() > 1;

    private final String host;
    private final int port;
    private final int timeoutMillis;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    public TcpTransport(String host, int port, int timeoutMillis) {
        this.host = host;
        this.port = port;
        this.timeoutMillis = timeoutMillis;
    }

    /** Parses {@code host:port} (IPv6 as {@code [addr]:port}); {@code setting} names the source for errors. */
    public static TcpTransport parse(String address, String setting, int timeoutMillis) {
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1) {
            throw new HsmConfigException(setting + " must be host:port, got '" + address + "'");
        }
        String host = address.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new HsmConfigException(setting + " port is not a number: '" + address.substring(colon + 1) + "'");
        }
        if (port < 1 || port > 65535) {
            throw new HsmConfigException(setting + " port " + port + " is outside 1..65535");
        }
        return new TcpTransport(host, port, timeoutMillis);
    }

    @Override
    public String describe() {
        return "tcp " + host + ":" + port;
    }

    @Override
    public void open() {
        if (socket == null) {
            try {
                Socket s = new Socket();
                s.setTcpNoDelay(true);
                s.connect(new InetSocketAddress(host, port), timeoutMillis);
                s.setSoTimeout(timeoutMillis);
                socket = s;
                in = s.getInputStream();
                out = s.getOutputStream();
            } catch (IOException e) {
                disconnect();
                throw unreachable(e.getMessage() == null ? e.toString() : e.getMessage(), e);
            }
        }
    }

    @Override
    protected byte[] transact(byte[] command) {
        boolean reused = socket != null;
        open();
        try {
            return exchange(command);
        } catch (StaleConnectionException stale) {
            disconnect();
            if (!reused) {
                throw unreachable(stale.getMessage(), stale.getCause());
            }
            open();
            try {
                return exchange(command);
            } catch (StaleConnectionException | IOException e) {
                disconnect();
                throw unreachable(e.getMessage(), e);
            }
        } catch (SocketTimeoutException e) {
            disconnect();
            throw unreachable("no response within " + timeoutMillis + " ms (is another client holding the simulator's"
                    + " only connection?)", e);
        } catch (IOException e) {
            disconnect();
            throw unreachable(e.getMessage() == null ? e.toString() : e.getMessage(), e);
        }
    }

    private byte[] exchange(byte[] command) throws IOException, StaleConnectionException {
        try {
            out.write(command);
            out.flush();
        } catch (IOException e) {
            throw new StaleConnectionException("sending the command failed: " + e.getMessage(), e);
        }
        byte[] header = new byte[HEADER_SIZE];
        int first;
        try {
            awaitResponseBriefly();
            first = in.read(header, 0, HEADER_SIZE);
        } catch (SocketTimeoutException e) {
            throw e;
        } catch (IOException e) {
            throw new StaleConnectionException("the connection was reset: " + e.getMessage(), e);
        }
        if (first < 0) {
            throw new StaleConnectionException("the connection was closed by the TPM side", null);
        }
        readFully(header, first, HEADER_SIZE - first);
        int size = ((header[2] & 0xff) << 24) | ((header[3] & 0xff) << 16) | ((header[4] & 0xff) << 8) | (header[5] & 0xff);
        if (size < HEADER_SIZE || size > MAX_RESPONSE) {
            throw new IOException("response header declares " + size + " bytes; the stream is out of step");
        }
        byte[] response = new byte[size];
        System.arraycopy(header, 0, response, 0, HEADER_SIZE);
        readFully(response, HEADER_SIZE, size - HEADER_SIZE);
        return response;
    }

    /** Polls for a response without blocking, for at most {@link #SPIN_NANOS}; the read after it blocks. */
    private void awaitResponseBriefly() throws IOException {
        if (!SPIN) {
            return;
        }
        long start = System.nanoTime();
        while (in.available() == 0 && System.nanoTime() - start < SPIN_NANOS) {
            Thread.onSpinWait();
        }
    }

    private void readFully(byte[] buffer, int offset, int length) throws IOException {
        while (length > 0) {
            int n = in.read(buffer, offset, length);
            if (n < 0) {
                throw new EOFException("the connection closed inside a response");
            }
            offset += n;
            length -= n;
        }
    }

    @Override
    protected void disconnect() {
        Socket s = socket;
        socket = null;
        in = null;
        out = null;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // the connection is being discarded either way
            }
        }
    }

    /** The connection died before the TPM answered anything. */
    private static final class StaleConnectionException extends Exception {
        private static final long serialVersionUID = 1L;

        StaleConnectionException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
