package io.provhsm;

/** The attestation mechanisms of the provisioning service, one per function table of the C SDK's HSM API. */
public enum Mechanism {
    /** TPM 2.0: endorsement key, activation of a sealed identity key, HMAC signing inside the TPM. */
    TPM,
    /** X.509: a certificate chain whose leaf common name is the registration id, and its private key. */
    X509,
    /** A symmetric key (individual, or derived from a group key) that signs SAS tokens. */
    SYMMETRIC_KEY
}
