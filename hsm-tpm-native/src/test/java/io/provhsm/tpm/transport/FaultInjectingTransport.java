package io.provhsm.tpm.transport;

import java.nio.ByteBuffer;

/**
 * A transport that passes commands to a real one and runs a fault (kill the simulator, throw) once, just before
 * or just after the first command that matches: to put a crash exactly between two TPM commands.
 */
public final class FaultInjectingTransport extends ForwardingTransport {
    /** TPM_CC_EvictControl. */
    public static final int EVICT_CONTROL = 0x120;

    /** Where the fault strikes relative to the matching command. */
    public enum When { BEFORE_SENDING, AFTER_RESPONSE }

    private int commandCode;
    private int objectHandleMask;
    private int objectHandleValue;
    private When when;
    private Runnable fault;
    private boolean struck;

    public FaultInjectingTransport(TpmTransport delegate) {
        super(delegate);
    }

    /**
     * Arms the fault for the first command with {@code commandCode} whose second handle (for EvictControl: the
     * object handle, after the auth handle) satisfies {@code (handle & mask) == value}.
     */
    public FaultInjectingTransport arm(int commandCode, int mask, int value, When when, Runnable fault) {
        this.commandCode = commandCode;
        this.objectHandleMask = mask;
        this.objectHandleValue = value;
        this.when = when;
        this.fault = fault;
        this.struck = false;
        return this;
    }

    /** Whether the armed fault has run. */
    public boolean struck() {
        return struck;
    }

    @Override
    protected byte[] transact(byte[] command) {
        boolean matches = fault != null && !struck && matches(command);
        if (matches && when == When.BEFORE_SENDING) {
            struck = true;
            fault.run();
        }
        byte[] response = super.transact(command);
        if (matches && when == When.AFTER_RESPONSE) {
            struck = true;
            fault.run();
        }
        return response;
    }

    private boolean matches(byte[] command) {
        if (command.length < 18) {
            return false;
        }
        ByteBuffer header = ByteBuffer.wrap(command);
        return header.getInt(6) == commandCode && (header.getInt(14) & objectHandleMask) == objectHandleValue;
    }
}
