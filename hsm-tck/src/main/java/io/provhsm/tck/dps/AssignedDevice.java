package io.provhsm.tck.dps;

import io.provhsm.Mechanism;
import java.util.Optional;

/**
 * A device the emulator assigned to a hub, with what the hub checks it by: the key its SAS tokens are signed
 * with (TPM: the key sealed into the assignment's activation blob; symmetric key: the device key), or for
 * X.509 the enrollment its certificate chain must match.
 */
public record AssignedDevice(String registrationId, String deviceId, String assignedHub, Mechanism mechanism,
                             byte[] hubKey, Enrollment enrollment) {

    public AssignedDevice {
        hubKey = hubKey == null ? null : hubKey.clone();
    }

    public Optional<byte[]> sasKey() {
        return Optional.ofNullable(hubKey).map(byte[]::clone);
    }

    @Override
    public String toString() {
        return "AssignedDevice[" + registrationId + " -> " + assignedHub + "/" + deviceId + ", " + mechanism + "]";
    }
}
