package io.provhsm.tck.dps;

/** A finished registration: where the device was assigned and how many polls it took. */
public record RegistrationResult(String registrationId, String status, String assignedHub, String deviceId,
                                 String operationId, int polls) {
}
