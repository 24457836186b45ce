package io.provhsm.tpm;

import io.provhsm.HsmException;
import io.provhsm.InvalidInputException;
import io.provhsm.TpmHsm;
import io.provhsm.dps.ActivationBlob;
import io.provhsm.dps.RegistrationIds;
import io.provhsm.tpm.transport.TpmTransport;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Arrays;
import tss.TpmBuffer;
import tss.tpm.CreatePrimaryResponse;
import tss.tpm.GetCapabilityResponse;
import tss.tpm.ReadPublicResponse;
import tss.tpm.SequenceCompleteResponse;
import tss.tpm.StartAuthSessionResponse;
import tss.tpm.TPM2B_PRIVATE;
import tss.tpm.TPMA_OBJECT;
import tss.tpm.TPML_TAGGED_TPM_PROPERTY;
import tss.tpm.TPMS_ID_OBJECT;
import tss.tpm.TPMS_PCR_SELECTION;
import tss.tpm.TPMS_SENSITIVE_CREATE;
import tss.tpm.TPMS_TAGGED_PROPERTY;
import tss.tpm.TPMT_PUBLIC;
import tss.tpm.TPMT_SYM_DEF;
import tss.tpm.TPMT_SYM_DEF_OBJECT;
import tss.tpm.TPM_ALG_ID;
import tss.tpm.TPM_CAP;
import tss.tpm.TPM_HANDLE;
import tss.tpm.TPM_PT;
import tss.tpm.TPM_RC;
import tss.tpm.TPM_RH;
import tss.tpm.TPM_SE;

/**
 * A TPM 2.0 identity as the provisioning service expects it, over any {@link TpmTransport}: EK and SRK
 * persisted at the C SDK's handles (created only if absent), the identity HMAC key activated from the
 * service's blob and persisted at 0x81000100, HMAC signing inside the TPM.
 *
 * <p>Thread-safe: every operation holds the session's lock, so commands never interleave on the device.
 * Every session and transient object this class loads is flushed before the operation returns.
 */
public final class TpmDeviceHsm implements TpmHsm {
    private static final System.Logger LOG = System.getLogger(TpmDeviceHsm.class.getName());
    private static final int DEFAULT_INPUT_BUFFER = 1024;

    private final Object lock = new Object();
    private final TpmCommands commands;
    private final AutoCloseable onClose;
    private final byte[] endorsementKey;
    private final byte[] storageRootKey;
    private final String registrationId;
    private final SecureRandom random = new SecureRandom();
    private int inputBuffer;
    private volatile boolean closed;

    private TpmDeviceHsm(TpmCommands commands, AutoCloseable onClose) {
        this.commands = commands;
        this.onClose = onClose;
        this.endorsementKey = ensurePrimary(TpmKeyTemplates.EK_HANDLE, "endorsement key", TPM_RH.ENDORSEMENT,
                TpmKeyTemplates.endorsementKey());
        this.storageRootKey = ensurePrimary(TpmKeyTemplates.SRK_HANDLE, "storage root key", TPM_RH.OWNER,
                TpmKeyTemplates.storageRootKey());
        this.registrationId = RegistrationIds.fromEndorsementKey(endorsementKey);
    }

    /**
     * Opens a session on the TPM behind {@code transport}, creating EK and SRK if absent.
     *
     * @param onClose run after the transport is closed (e.g. stopping a simulator this session owns); may be null
     */
    public static TpmDeviceHsm open(TpmTransport transport, AutoCloseable onClose) {
        TpmCommands commands = new TpmCommands(transport);
        try {
            transport.open();
            return new TpmDeviceHsm(commands, onClose);
        } catch (RuntimeException e) {
            commands.close();
            closeQuietly(onClose);
            throw e;
        }
    }

    public static TpmDeviceHsm open(TpmTransport transport) {
        return open(transport, null);
    }

    @Override
    public byte[] endorsementKey() {
        checkOpen();
        return endorsementKey.clone();
    }

    @Override
    public byte[] storageRootKey() {
        checkOpen();
        return storageRootKey.clone();
    }

    @Override
    public String registrationId() {
        checkOpen();
        return registrationId;
    }

    /** How the TPM is reached, for messages and the CLI ("tcp 127.0.0.1:2321"). */
    public String transportDescription() {
        return commands.transport().describe();
    }

    /** Whether an identity key is persisted at 0x81000100. */
    public boolean hasIdentityKey() {
        synchronized (lock) {
            checkOpen();
            return readPublic(TpmKeyTemplates.IDENTITY_HANDLE, "identity key") != null;
        }
    }

    @Override
    public void activateIdentityKey(byte[] activationBlob) {
        // Everything about the blob is checked before the TPM sees a single command.
        ActivationBlob blob = ActivationBlob.parse(activationBlob);
        TPMT_PUBLIC identityPublic = identityPublic(blob);
        TPMS_ID_OBJECT credential = credential(blob);
        TPM2B_PRIVATE duplicate = new TPM2B_PRIVATE(blob.duplicate());
        byte[] encryptedSecret = blob.encryptedSecret();
        byte[] inSymSeed = blob.inSymSeed();

        synchronized (lock) {
            checkOpen();
            TPMT_PUBLIC previous = readPublic(TpmKeyTemplates.IDENTITY_HANDLE, "identity key");
            if (previous != null) {
                String why = TpmKeyTemplates.unsuitableIdentityKey(previous);
                if (why != null) {
                    throw new HsmException("persistent handle " + TpmKeyTemplates.hex(TpmKeyTemplates.IDENTITY_HANDLE)
                            + " holds a foreign object (" + why + "); provhsm keeps its identity key there and will not"
                            + " evict what another application persisted. Nothing was changed.");
                }
            }
            byte[] innerWrapKey = activateCredential(credential, encryptedSecret);
            TPM2B_PRIVATE imported;
            try {
                imported = commands.run("TPM2_Import", "the identity key under the storage root key "
                        + TpmKeyTemplates.hex(TpmKeyTemplates.SRK_HANDLE), () -> commands.tpm().Import(srkHandle(),
                        innerWrapKey, identityPublic, duplicate, inSymSeed,
                        new TPMT_SYM_DEF_OBJECT(TPM_ALG_ID.AES, 128, TPM_ALG_ID.CFB)));
            } catch (TpmCommandException e) {
                throw new HsmException(e.getMessage() + "; the blob's duplicate or inSymSeed does not match this TPM's"
                        + " storage root key. The previous identity key is unchanged.", e);
            } finally {
                Arrays.fill(innerWrapKey, (byte) 0);
            }
            TPM_HANDLE loaded = commands.run("TPM2_Load", "the imported identity key",
                    () -> commands.tpm().Load(srkHandle(), imported, identityPublic));
            try {
                // Only now, with the new key loaded, is the old one given up.
                if (previous != null) {
                    commands.run("TPM2_EvictControl", "the previous identity key at "
                            + TpmKeyTemplates.hex(TpmKeyTemplates.IDENTITY_HANDLE), () -> commands.tpm().EvictControl(
                            ownerHandle(), new TPM_HANDLE(TpmKeyTemplates.IDENTITY_HANDLE),
                            new TPM_HANDLE(TpmKeyTemplates.IDENTITY_HANDLE)));
                }
                commands.run("TPM2_EvictControl", "the new identity key to " + TpmKeyTemplates.hex(TpmKeyTemplates.IDENTITY_HANDLE),
                        () -> commands.tpm().EvictControl(ownerHandle(), loaded,
                                new TPM_HANDLE(TpmKeyTemplates.IDENTITY_HANDLE)));
            } finally {
                flush(loaded);
            }
            LOG.log(System.Logger.Level.DEBUG, "identity key activated at "
                    + TpmKeyTemplates.hex(TpmKeyTemplates.IDENTITY_HANDLE) + " on " + transportDescription());
        }
    }

    /** PolicySecret(ENDORSEMENT) session, ActivateCredential(SRK, EK): the 16-byte inner wrap key. */
    private byte[] activateCredential(TPMS_ID_OBJECT credential, byte[] encryptedSecret) {
        byte[] nonceCaller = new byte[32];
        random.nextBytes(nonceCaller);
        StartAuthSessionResponse session = commands.run("TPM2_StartAuthSession", "a policy session",
                () -> commands.tpm().StartAuthSession(TPM_HANDLE.from(TPM_RH.NULL), TPM_HANDLE.from(TPM_RH.NULL),
                        nonceCaller, new byte[0], TPM_SE.POLICY, new TPMT_SYM_DEF(TPM_ALG_ID.NULL, 0, TPM_ALG_ID.NULL),
                        TPM_ALG_ID.SHA256));
        TPM_HANDLE policySession = session.handle;
        try {
            commands.run("TPM2_PolicySecret", "the endorsement hierarchy", () -> commands.tpm().PolicySecret(
                    TPM_HANDLE.from(TPM_RH.ENDORSEMENT), policySession, new byte[0], new byte[0], new byte[0], 0));
            try {
                return commands.run("TPM2_ActivateCredential", "endorsement key "
                        + TpmKeyTemplates.hex(TpmKeyTemplates.EK_HANDLE), () -> commands.tpm()
                        ._withSessions(TPM_HANDLE.pwSession(new byte[0]), policySession)
                        .ActivateCredential(srkHandle(), new TPM_HANDLE(TpmKeyTemplates.EK_HANDLE), credential,
                                encryptedSecret));
            } catch (TpmCommandException e) {
                throw new HsmException(e.getMessage() + "; the activation blob was not made for this TPM's"
                        + " endorsement key (registration id " + registrationId + "), or it was altered on the way."
                        + " The previous identity key is unchanged.", e);
            }
        } finally {
            flush(policySession);
        }
    }

    @Override
    public byte[] signWithIdentity(byte[] data) {
        if (data == null) {
            throw new InvalidInputException("data to sign is null");
        }
        synchronized (lock) {
            checkOpen();
            TPM_HANDLE identity = new TPM_HANDLE(TpmKeyTemplates.IDENTITY_HANDLE);
            try {
                int chunk = inputBuffer();
                if (data.length <= chunk) {
                    return commands.run("TPM2_HMAC", "identity key " + TpmKeyTemplates.hex(TpmKeyTemplates.IDENTITY_HANDLE),
                            () -> commands.tpm().HMAC(identity, data, TPM_ALG_ID.NULL));
                }
                return hmacSequence(identity, data, chunk);
            } catch (TpmCommandException e) {
                if (e.is(TPM_RC.HANDLE)) {
                    throw new IllegalStateException("no identity key at persistent handle "
                            + TpmKeyTemplates.hex(TpmKeyTemplates.IDENTITY_HANDLE)
                            + ": activate one with activateIdentityKey first", e);
                }
                throw e;
            }
        }
    }

    /** HMAC_Start, SequenceUpdate in chunks of TPM_PT_INPUT_BUFFER, SequenceComplete with the last chunk. */
    private byte[] hmacSequence(TPM_HANDLE identity, byte[] data, int chunk) {
        String subject = "identity key " + TpmKeyTemplates.hex(TpmKeyTemplates.IDENTITY_HANDLE);
        TPM_HANDLE sequence = commands.run("TPM2_HMAC_Start", subject,
                () -> commands.tpm().HMAC_Start(identity, new byte[0], TPM_ALG_ID.SHA256));
        boolean completed = false;
        try {
            int offset = 0;
            while (data.length - offset > chunk) {
                byte[] part = Arrays.copyOfRange(data, offset, offset + chunk);
                commands.run("TPM2_SequenceUpdate", subject, () -> commands.tpm().SequenceUpdate(sequence, part));
                offset += chunk;
            }
            byte[] last = Arrays.copyOfRange(data, offset, data.length);
            SequenceCompleteResponse response = commands.run("TPM2_SequenceComplete", subject,
                    () -> commands.tpm().SequenceComplete(sequence, last, TPM_HANDLE.from(TPM_RH.NULL)));
            completed = true;
            return response.result;
        } finally {
            if (!completed) {
                flush(sequence);
            }
        }
    }

    private int inputBuffer() {
        if (inputBuffer == 0) {
            GetCapabilityResponse capability = commands.run("TPM2_GetCapability", "TPM_PT_INPUT_BUFFER",
                    () -> commands.tpm().GetCapability(TPM_CAP.TPM_PROPERTIES, TPM_PT.INPUT_BUFFER.toInt(), 1));
            int size = DEFAULT_INPUT_BUFFER;
            if (capability.capabilityData instanceof TPML_TAGGED_TPM_PROPERTY properties) {
                for (TPMS_TAGGED_PROPERTY property : properties.tpmProperty) {
                    if (property.property == TPM_PT.INPUT_BUFFER && property.value > 0) {
                        size = property.value;
                    }
                }
            }
            inputBuffer = size;
        }
        return inputBuffer;
    }

    /** Reads the persisted primary key at {@code handle}, creating and persisting it first if the handle is empty. */
    private byte[] ensurePrimary(int handle, String what, TPM_RH hierarchy, TPMT_PUBLIC template) {
        TPMT_PUBLIC area = readPublic(handle, what);
        if (area == null) {
            LOG.log(System.Logger.Level.INFO, "creating the " + what + " at " + TpmKeyTemplates.hex(handle));
            CreatePrimaryResponse created = commands.run("TPM2_CreatePrimary", "the " + what,
                    () -> commands.tpm().CreatePrimary(TPM_HANDLE.from(hierarchy),
                            new TPMS_SENSITIVE_CREATE(new byte[0], new byte[0]), template, new byte[0],
                            new TPMS_PCR_SELECTION[0]));
            try {
                commands.run("TPM2_EvictControl", "the " + what + " to " + TpmKeyTemplates.hex(handle),
                        () -> commands.tpm().EvictControl(ownerHandle(), created.handle, new TPM_HANDLE(handle)));
            } finally {
                flush(created.handle);
            }
            area = readPublic(handle, what);
            if (area == null) {
                throw new HsmException("the " + what + " persisted at " + TpmKeyTemplates.hex(handle) + " cannot be read back");
            }
        }
        String why = TpmKeyTemplates.unsuitableStorageKey(area);
        if (why != null) {
            throw new HsmException("persistent handle " + TpmKeyTemplates.hex(handle) + " holds a foreign object where"
                    + " the " + what + " belongs (" + why + "); it was left in place. Free the handle or use another TPM.");
        }
        return tpm2bPublic(area);
    }

    /** The public area at {@code handle}, or null if nothing is there. */
    private TPMT_PUBLIC readPublic(int handle, String what) {
        try {
            ReadPublicResponse response = commands.run("TPM2_ReadPublic", what + " " + TpmKeyTemplates.hex(handle),
                    () -> commands.tpm().ReadPublic(new TPM_HANDLE(handle)));
            return response.outPublic;
        } catch (TpmCommandException e) {
            if (e.is(TPM_RC.HANDLE)) {
                return null;
            }
            throw e;
        }
    }

    private void flush(TPM_HANDLE handle) {
        if (handle == null) {
            return;
        }
        try {
            int rc = commands.runAllowingError(() -> commands.tpm().FlushContext(handle));
            if (rc != 0) {
                LOG.log(System.Logger.Level.WARNING, "TPM2_FlushContext " + TpmKeyTemplates.hex(handle.handle) + " failed: "
                        + TpmResponseCodes.describe(rc));
            }
        } catch (HsmException e) {
            // the TPM went away; its transient objects went with it
            LOG.log(System.Logger.Level.DEBUG, "flush of " + TpmKeyTemplates.hex(handle.handle) + " skipped: " + e.getMessage());
        }
    }

    private static byte[] tpm2bPublic(TPMT_PUBLIC area) {
        byte[] body = area.toBytes();
        return ByteBuffer.allocate(2 + body.length).putShort((short) body.length).put(body).array();
    }

    private static TPMT_PUBLIC identityPublic(ActivationBlob blob) {
        TPMT_PUBLIC area;
        try {
            TpmBuffer buffer = new TpmBuffer(blob.identityPublic());
            area = TPMT_PUBLIC.fromTpm(buffer);
            if (!buffer.isOk() || buffer.curPos() != blob.identityPublic().length) {
                throw new InvalidInputException("activation blob identityPublic (TPM2B_PUBLIC) does not parse as a TPMT_PUBLIC");
            }
        } catch (RuntimeException e) {
            if (e instanceof InvalidInputException invalid) {
                throw invalid;
            }
            throw new InvalidInputException("activation blob identityPublic (TPM2B_PUBLIC) does not parse: " + e, e);
        }
        String why = TpmKeyTemplates.unsuitableIdentityKey(area);
        if (why != null) {
            throw new InvalidInputException("activation blob identityPublic is not an identity key: " + why);
        }
        if (area.objectAttributes.hasAttr(TPMA_OBJECT.fixedTPM) || area.objectAttributes.hasAttr(TPMA_OBJECT.fixedParent)) {
            throw new InvalidInputException("activation blob identityPublic has fixedTPM or fixedParent set; an imported"
                    + " key cannot have them (attributes 0x" + Integer.toHexString(area.objectAttributes.toInt()) + ")");
        }
        return area;
    }

    /** TPM2B_ID_OBJECT contents: integrityHMAC (TPM2B_DIGEST), then encIdentity to the end. */
    private static TPMS_ID_OBJECT credential(ActivationBlob blob) {
        byte[] field = blob.credentialBlob();
        int hmacSize = ((field[0] & 0xff) << 8) | (field[1] & 0xff);
        byte[] hmac = Arrays.copyOfRange(field, 2, 2 + hmacSize);
        byte[] encIdentity = Arrays.copyOfRange(field, 2 + hmacSize, field.length);
        return new TPMS_ID_OBJECT(hmac, encIdentity);
    }

    private static TPM_HANDLE srkHandle() {
        return new TPM_HANDLE(TpmKeyTemplates.SRK_HANDLE);
    }

    private static TPM_HANDLE ownerHandle() {
        return TPM_HANDLE.from(TPM_RH.OWNER);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this TPM session is closed");
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            commands.close();
            closeQuietly(onClose);
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "closing " + closeable + " failed: " + e);
        }
    }

    @Override
    public String toString() {
        return "TpmDeviceHsm[" + commands.transport().describe() + (closed ? ", closed" : "") + "]";
    }
}
