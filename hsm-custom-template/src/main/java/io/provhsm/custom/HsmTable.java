package io.provhsm.custom;

import io.provhsm.Mechanism;
import java.util.List;

/**
 * The three function tables of {@code hsm_client_data.h}: the getter that returns each, the init/deinit pair
 * the C SDK calls for it, and the field names in ABI order (every field is one function pointer).
 */
public enum HsmTable {
    X509(Mechanism.X509, "HSM_CLIENT_X509_INTERFACE", "hsm_client_x509_interface", "hsm_client_x509_init", "hsm_client_x509_deinit",
            List.of("hsm_client_x509_create", "hsm_client_x509_destroy", "hsm_client_get_cert", "hsm_client_get_key",
                    "hsm_client_get_common_name")),
    TPM(Mechanism.TPM, "HSM_CLIENT_TPM_INTERFACE", "hsm_client_tpm_interface", "hsm_client_tpm_init", "hsm_client_tpm_deinit",
            List.of("hsm_client_tpm_create", "hsm_client_tpm_destroy", "hsm_client_activate_identity_key", "hsm_client_get_ek",
                    "hsm_client_get_srk", "hsm_client_sign_with_identity")),
    KEY(Mechanism.SYMMETRIC_KEY, "HSM_CLIENT_KEY_INTERFACE", "hsm_client_key_interface", null, null,
            List.of("hsm_client_key_create", "hsm_client_key_destroy", "hsm_client_get_symm_key",
                    "hsm_client_get_registration_name", "hsm_client_set_symm_key_info"));

    /** Index of create and destroy, the same in every table. */
    public static final int CREATE = 0;
    public static final int DESTROY = 1;

    private final Mechanism mechanism;
    private final String structName;
    private final String getter;
    private final String init;
    private final String deinit;
    private final List<String> fields;

    HsmTable(Mechanism mechanism, String structName, String getter, String init, String deinit, List<String> fields) {
        this.mechanism = mechanism;
        this.structName = structName;
        this.getter = getter;
        this.init = init;
        this.deinit = deinit;
        this.fields = fields;
    }

    public static HsmTable of(Mechanism mechanism) {
        for (HsmTable table : values()) {
            if (table.mechanism == mechanism) {
                return table;
            }
        }
        throw new IllegalArgumentException("no table for " + mechanism);
    }

    public Mechanism mechanism() {
        return mechanism;
    }

    public String structName() {
        return structName;
    }

    public String getter() {
        return getter;
    }

    /** The per-interface init the C SDK calls, or null (the key interface has none). */
    public String init() {
        return init;
    }

    public String deinit() {
        return deinit;
    }

    public List<String> fields() {
        return fields;
    }
}
