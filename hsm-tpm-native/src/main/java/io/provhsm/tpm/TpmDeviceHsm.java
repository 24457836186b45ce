package io.provhsm.tpm;

import io.provhsm.HsmException;
import io.provhsm.HsmUnavailableException;
import io.provhsm.InvalidInputException;
import io.provhsm.TpmHsm;
import io.provhsm.dps.ActivationBlob;
import io.provhsm.dps.RegistrationIds;
import io.provhsm.spi.HsmConfig;
import io.provhsm.tpm.transport.TpmTransport;
import java.nio.ByteBuffer;
import java.nio.file.Path;
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
 * <p>Replacing the identity is crash-safe: the new key (public area, private part wrapped under the SRK) is
 * journaled in the state directory before the old one is evicted, and removed once the new one is persisted.
 * A session that finds a journal (on open, or before its next call after a failed activation) completes the
 * interrupted replacement, so 0x81000100 never stays empty and never silently keeps the old key.
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
    private final IdentityJournal journal;
    private final SecureRandom random = new SecureRandom();
    private int inputBuffer;
    /** An activation of this session failed while its journal existed: finish it before the next call. */
    private boolean replacementInterrupted;
    private volatile boolean closed;

    private TpmDeviceHsm(TpmCommands commands, AutoCloseable onClose, Path stateDir) {
        this.commands = commands;
        this.onClose = onClose;
        this.endorsementKey = ensurePrimary(TpmKeyTemplates.EK_HANDLE, "endorsement key", TPM_RH.ENDORSEMENT,
                TpmKeyTemplates.endorsementKey());
        this.storageRootKey = ensurePrimary(TpmKeyTemplates.SRK_HANDLE, "storage root key", TPM_RH.OWNER,
                TpmKeyTemplates.storageRootKey());
        this.registrationId = RegistrationIds.fromEndorsementKey(endorsementKey);
        this.journal = new IdentityJournal((stateDir != null ? stateDir : TpmSettings.stateDir(HsmConfig.fromEnvironment())).resolve(registrationId));
        if (journal.exists()) {
            finishInterruptedReplacement();
        }
    }

    /**
     * Opens a session on the TPM behind {@code transport}, creating EK and SRK if absent, and completing an
     * identity replacement that a crash interrupted.
     *
     * @param onClose run after the transport is closed (e.g. stopping a simulator this session owns); may be null
     * @param stateDir the base of the per-TPM state directories ({@link TpmSettings#STATE_DIR}); this TPM's is the
     *     subdirectory named by its registration id. Null for the default under the user's data directory.
     */
    public static TpmDeviceHsm open(TpmTransport transport, AutoCloseable onClose, Path stateDir) {
        TpmCommands commands = new TpmCommands(transport);
        try {
            transport.open();
            return new TpmDeviceHsm(commands, onClose, stateDir);
        } catch (RuntimeException e) {
            commands.close();
            closeQuietly(onClose);
            throw e;
        }
    }

    /** {@link #open(TpmTransport, AutoCloseable, Path)} with the default state directory. */
    public static TpmDeviceHsm open(TpmTransport transport, AutoCloseable onClose) {
        return open(transport, onClose, null);
    }

    /** {@link #open(TpmTransport, AutoCloseable, Path)} with the default state directory, nothing run on close. */
    public static TpmDeviceHsm open(TpmTransport transport) {
        return open(transport, null, null);
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
            finishReplacementThisSessionInterrupted();
            if (readPublic(TpmKeyTemplates.IDENTITY_HANDLE, "identity key") != null) {
                return true;
            }
            if (journal.exists()) {
                // another session's replacement was interrupted after evicting the old key
                finishInterruptedReplacement();
                return readPublic(TpmKeyTemplates.IDENTITY_HANDLE, "identity key") != null;
            }
            return false;
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
            try (IdentityJournal.Lock replacing = journal.lock()) {
                finishInterruptedReplacementLocked();
                replaceIdentity(identityPublic, credential, duplicate, encryptedSecret, inSymSeed);
            }
            LOG.log(System.Logger.Level.DEBUG, "identity key activated at "
                    + TpmKeyTemplates.hex(TpmKeyTemplates.IDENTITY_HANDLE) + " on " + transportDescription());
        }
    }

    /** Activate, import and load the new key; journal it; evict the old one; persist the new one; drop the journal. */
    private void replaceIdentity(TPMT_PUBLIC identityPublic, TPMS_ID_OBJECT credential, TPM2B_PRIVATE duplicate,
            byte[] encryptedSecret, byte[] inSymSeed) {
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
        try {
            TPM_HANDLE loaded = commands.run("TPM2_Load", "the imported identity key",
                    () -> commands.tpm().Load(srkHandle(), imported, identityPublic));
            try {
                // The journal is on disk before 0x81000100 is touched: from here on a crash is recoverable.
                journal.write(identityPublic.toBytes(), imported.buffer);
                persistJournaledKey(loaded, previous != null);
            } finally {
                flush(loaded);
            }
        } finally {
            Arrays.fill(imported.buffer, (byte) 0);
        }
        deleteJournalOfCompletedReplacement();
    }

    /**
     * Evicts the previous identity key (if any) and persists the journaled key, {@code loaded}, at 0x81000100.
     * If the TPM refuses the eviction nothing changed and the journal goes; on any other failure the journal
     * stays, and this session's next call (or the next session) finishes the replacement.
     */
    private void persistJournaledKey(TPM_HANDLE loaded, boolean evictPrevious) {
        boolean previousGone = !evictPrevious;
        try {
            if (evictPrevious) {
                evictPreviousIdentity();
                previousGone = true;
            }
            persistAtIdentityHandle(loaded);
        } catch (TpmCommandException refused) {
            if (!previousGone) {
                try {
                    journal.delete();
                } catch (HsmException e) {
                    refused.addSuppressed(e);
                }
                throw new HsmException(refused.getMessage() + "; the previous identity key is unchanged.", refused);
            }
            replacementInterrupted = true;
            throw new HsmException(refused.getMessage() + interruptedReplacementNote(), refused);
        } catch (HsmUnavailableException unreachable) {
            replacementInterrupted = true;
            throw new HsmUnavailableException(unreachable.getMessage() + interruptedReplacementNote(), unreachable);
        } catch (RuntimeException | Error e) {
            replacementInterrupted = true;
            throw e;
        }
    }

    private String interruptedReplacementNote() {
        return "; the identity replacement was interrupted: the new key is journaled in " + journal.file()
                + " and is persisted at " + TpmKeyTemplates.hex(TpmKeyTemplates.IDENTITY_HANDLE)
                + " by this session's next call or the next session";
    }

    private void evictPreviousIdentity() {
        commands.run("TPM2_EvictControl", "the previous identity key at " + TpmKeyTemplates.hex(TpmKeyTemplates.IDENTITY_HANDLE),
                () -> commands.tpm().EvictControl(ownerHandle(), new TPM_HANDLE(TpmKeyTemplates.IDENTITY_HANDLE),
                        new TPM_HANDLE(TpmKeyTemplates.IDENTITY_HANDLE)));
    }

    private void persistAtIdentityHandle(TPM_HANDLE loaded) {
        commands.run("TPM2_EvictControl", "the new identity key to " + TpmKeyTemplates.hex(TpmKeyTemplates.IDENTITY_HANDLE),
                () -> commands.tpm().EvictControl(ownerHandle(), loaded, new TPM_HANDLE(TpmKeyTemplates.IDENTITY_HANDLE)));
    }

    /** The new key is in place; a journal that cannot be deleted is only a warning (the next session drops it). */
    private void deleteJournalOfCompletedReplacement() {
        try {
            journal.delete();
        } catch (HsmException e) {
            LOG.log(System.Logger.Level.WARNING, e.getMessage() + "; the identity key at "
                    + TpmKeyTemplates.hex(TpmKeyTemplates.IDENTITY_HANDLE) + " is complete, the next session removes the journal");
        }
        replacementInterrupted = false;
    }

    /** Finishes this session's interrupted activation before anything else uses the identity. */
    private void finishReplacementThisSessionInterrupted() {
        if (replacementInterrupted) {
            finishInterruptedReplacement();
        }
    }

    private void finishInterruptedReplacement() {
        try (IdentityJournal.Lock recovering = journal.lock()) {
            finishInterruptedReplacementLocked();
        }
    }

    /**
     * Finishes an identity replacement that a crash, power loss or lost connection interrupted, as its journal
     * records it: the journaled key already at 0x81000100 means only the journal was left; an empty 0x81000100
     * or the previous key there means the journaled key is loaded and persisted. Nothing is evicted unless the
     * journaled key loads. The caller holds the journal's lock.
     */
    private void finishInterruptedReplacementLocked() {
        if (!journal.exists()) {
            replacementInterrupted = false;
            return; // finished meanwhile by another session
        }
        String handle = TpmKeyTemplates.hex(TpmKeyTemplates.IDENTITY_HANDLE);
        IdentityJournal.Entry entry = journal.read();
        try {
            TPMT_PUBLIC journaled = journaledPublic(entry.publicArea());
            TPMT_PUBLIC current = readPublic(TpmKeyTemplates.IDENTITY_HANDLE, "identity key");
            if (current != null && Arrays.equals(current.toBytes(), journaled.toBytes())) {
                LOG.log(System.Logger.Level.INFO, "an interrupted identity replacement had already persisted the new key at "
                        + handle + "; removing its journal " + journal.file());
                deleteJournalOfCompletedReplacement();
                return;
            }
            String foreign = current == null ? null : TpmKeyTemplates.unsuitableIdentityKey(current);
            if (foreign != null) {
                throw new HsmException("the identity replacement journal " + journal.file() + " holds a new identity key,"
                        + " but persistent handle " + handle + " now holds a foreign object (" + foreign + "); it was left"
                        + " in place and the journal kept. Free the handle to let provhsm finish the replacement.");
            }
            TPM_HANDLE loaded;
            try {
                loaded = commands.run("TPM2_Load", "the journaled identity key",
                        () -> commands.tpm().Load(srkHandle(), new TPM2B_PRIVATE(entry.privatePart()), journaled));
            } catch (TpmCommandException e) {
                throw new HsmException("the identity replacement journal " + journal.file() + " does not load under the"
                        + " storage root key " + TpmKeyTemplates.hex(TpmKeyTemplates.SRK_HANDLE) + " (" + e.getMessage()
                        + "): it was written on another TPM, or the SRK changed. Nothing was evicted; " + handle + " "
                        + (current == null ? "is empty" : "still holds the previous identity key")
                        + ". Remove the journal to use the TPM as it is, or to activate a new identity.", e);
            }
            try {
                if (current != null) {
                    evictPreviousIdentity();
                }
                persistAtIdentityHandle(loaded);
            } catch (TpmCommandException refused) {
                throw new HsmException(refused.getMessage() + "; finishing the interrupted identity replacement failed,"
                        + " its journal " + journal.file() + " is kept for the next attempt", refused);
            } finally {
                flush(loaded);
            }
            deleteJournalOfCompletedReplacement();
            LOG.log(System.Logger.Level.WARNING, "finished an interrupted identity replacement: " + handle + " "
                    + (current == null ? "was empty" : "still held the previous identity key")
                    + "; the journaled new key is now persisted there (journal " + journal.file() + " removed)");
        } finally {
            entry.wipe();
        }
    }

    /** The journal's public area, checked as an identity key; a journal that does not parse names its file. */
    private TPMT_PUBLIC journaledPublic(byte[] bytes) {
        try {
            TpmBuffer buffer = new TpmBuffer(bytes);
            TPMT_PUBLIC area = TPMT_PUBLIC.fromTpm(buffer);
            String why = !buffer.isOk() || buffer.curPos() != bytes.length ? "its public area does not parse as a TPMT_PUBLIC"
                    : TpmKeyTemplates.unsuitableIdentityKey(area) != null
                    ? "its public area is not an identity key: " + TpmKeyTemplates.unsuitableIdentityKey(area) : null;
            if (why == null) {
                return area;
            }
            throw new HsmException("the identity replacement journal " + journal.file() + " is not usable: " + why
                    + ". Nothing was evicted. Remove the journal to use the TPM as it is.");
        } catch (HsmException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new HsmException("the identity replacement journal " + journal.file() + " is not usable: its public"
                    + " area does not parse (" + e + "). Nothing was evicted. Remove the journal to use the TPM as it is.", e);
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
            finishReplacementThisSessionInterrupted();
            try {
                return hmac(data);
            } catch (TpmCommandException e) {
                if (!e.is(TPM_RC.HANDLE)) {
                    throw e;
                }
                if (journal.exists()) {
                    // another session's replacement was interrupted after evicting the old key
                    finishInterruptedReplacement();
                    return hmac(data);
                }
                throw new IllegalStateException("no identity key at "
                        + TpmKeyTemplates.hex(TpmKeyTemplates.IDENTITY_HANDLE)
                        + ": activate the key the provisioning service sealed to this TPM first"
                        + " (TpmHsm.activateIdentityKey, or `provhsm tpm activate`)", e);
            }
        }
    }

    private byte[] hmac(byte[] data) {
        TPM_HANDLE identity = new TPM_HANDLE(TpmKeyTemplates.IDENTITY_HANDLE);
        int chunk = inputBuffer();
        if (data.length <= chunk) {
            return commands.run("TPM2_HMAC", "identity key " + TpmKeyTemplates.hex(TpmKeyTemplates.IDENTITY_HANDLE),
                    () -> commands.tpm().HMAC(identity, data, TPM_ALG_ID.NULL));
        }
        return hmacSequence(identity, data, chunk);
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
