package io.provhsm.tck.dps;

import io.provhsm.tck.service.CaVerification;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Objects;

/** The enrollments the emulator knows, one record type per kind; secrets are never shown by toString. */
public sealed interface Enrollment {

    /** An individual TPM enrollment: the registration id is derived from the EK. */
    record Tpm(String registrationId, byte[] endorsementKey) implements Enrollment {
        public Tpm {
            endorsementKey = endorsementKey.clone();
        }

        @Override
        public String toString() {
            return "Tpm[" + registrationId + "]";
        }
    }

    /** An individual X.509 enrollment of a leaf certificate; the registration id is its CN. */
    record X509Individual(String registrationId, X509Certificate leaf) implements Enrollment {
    }

    /** A group X.509 enrollment of a CA, usable once its proof of possession is verified. */
    record X509Group(String groupId, CaVerification ca) implements Enrollment {
        public X509Group {
            Objects.requireNonNull(ca, "ca");
        }
    }

    /** An individual symmetric-key enrollment. */
    record SymmetricKeyIndividual(String registrationId, byte[] deviceKey) implements Enrollment {
        public SymmetricKeyIndividual {
            deviceKey = deviceKey.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof SymmetricKeyIndividual other && other.registrationId.equals(registrationId)
                    && Arrays.equals(other.deviceKey, deviceKey);
        }

        @Override
        public int hashCode() {
            return registrationId.hashCode();
        }

        @Override
        public String toString() {
            return "SymmetricKeyIndividual[" + registrationId + "]";
        }
    }

    /** A symmetric-key group: each device key is derived from the group key and the registration id. */
    record SymmetricKeyGroup(String groupId, byte[] groupKey) implements Enrollment {
        public SymmetricKeyGroup {
            groupKey = groupKey.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof SymmetricKeyGroup other && other.groupId.equals(groupId) && Arrays.equals(other.groupKey, groupKey);
        }

        @Override
        public int hashCode() {
            return groupId.hashCode();
        }

        @Override
        public String toString() {
            return "SymmetricKeyGroup[" + groupId + "]";
        }
    }
}
