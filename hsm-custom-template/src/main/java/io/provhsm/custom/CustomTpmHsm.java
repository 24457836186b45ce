package io.provhsm.custom;

import io.provhsm.InvalidInputException;
import io.provhsm.TpmHsm;
import io.provhsm.dps.ActivationBlob;
import io.provhsm.dps.RegistrationIds;

/** {@link TpmHsm} over a library's {@code HSM_CLIENT_TPM_INTERFACE}. */
final class CustomTpmHsm extends CustomSession implements TpmHsm {
    private static final int ACTIVATE_IDENTITY_KEY = 2;
    private static final int GET_EK = 3;
    private static final int GET_SRK = 4;
    private static final int SIGN_WITH_IDENTITY = 5;

    CustomTpmHsm(HsmLibrary library, boolean threadSafe) {
        super(library, HsmTable.TPM, threadSafe);
    }

    @Override
    public String registrationId() {
        return RegistrationIds.fromEndorsementKey(endorsementKey());
    }

    @Override
    public byte[] endorsementKey() {
        return call(() -> library.callBufferOut(table, GET_EK, handle, HsmLibrary.ReturnedBuffer.TPM2B_PUBLIC));
    }

    @Override
    public byte[] storageRootKey() {
        return call(() -> library.callBufferOut(table, GET_SRK, handle, HsmLibrary.ReturnedBuffer.TPM2B_PUBLIC));
    }

    /**
     * The C SDK hands the library the service's activation blob as it came; it is checked here first, so a
     * malformed one is an {@link InvalidInputException} naming the field and never reaches the library.
     */
    @Override
    public void activateIdentityKey(byte[] activationBlob) {
        ActivationBlob.parse(activationBlob);
        call(() -> {
            library.callBufferIn(table, ACTIVATE_IDENTITY_KEY, handle, activationBlob);
            return null;
        });
    }

    @Override
    public byte[] signWithIdentity(byte[] data) {
        if (data == null) {
            throw new InvalidInputException("data to sign is null");
        }
        return call(() -> library.callBufferInOut(table, SIGN_WITH_IDENTITY, handle, data, HsmLibrary.ReturnedBuffer.HMAC_SHA256));
    }
}
