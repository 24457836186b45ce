package io.provhsm.tpm.transport;

import java.nio.ByteBuffer;

/**
 * A transport that passes commands to a real one and runs a fault (kill the simulator, throw) once, just before
 * or just after the first command that matches: to put a crash exactly between two TPM commands. Or it answers
 * the first matching command with an error response code in the TPM's place, for conditions swtpm cannot be
 * brought into on demand (dictionary-attack lockout).
 */
public final class FaultInjectingTransport extends ForwardingTransport {
    /** TPM_CC_EvictControl. */
    public static final int EVICT_CONTROL = 0x120;
    /** TPM_CC_HMAC. */
    public static final int HMAC = 0x155;
    /** TPM_ST_NO_SESSIONS: the tag of a response without sessions, as every error response is. */
    private static final short NO_SESSIONS = (short) 0x8001;

    /** Where the fault strikes relative to the matching command. */
    public enum When { BEFORE_SENDING, AFTER_RESPONSE }

    private int commandCode;
    private int objectHandleMask;
    private int objectHandleValue;
    private When when;
    private Runnable fault;
    private Integer answer;
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
        this.answer = null;
        this.struck = false;
        return this;
    }

    /** Arms an answer: the first command with {@code commandCode} is not sent; the TPM seems to fail it with {@code responseCode}. */
    public FaultInjectingTransport answer(int commandCode, int responseCode) {
        arm(commandCode, 0, 0, When.BEFORE_SENDING, () -> { });
        this.answer = responseCode;
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
            if (answer != null) {
                return ByteBuffer.allocate(10).putShort(NO_SESSIONS).putInt(10).putInt(answer).array();
            }
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
