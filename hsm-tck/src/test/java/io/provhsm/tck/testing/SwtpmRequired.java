package io.provhsm.tck.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.provhsm.tpm.sim.Swtpm;

/** The TPM tests need the real simulator: CI installs it, so a missing swtpm fails them rather than skipping them unseen. */
public final class SwtpmRequired {
    public static final String MISSING = "swtpm is not on the PATH: install the Debian packages swtpm and swtpm-tools "
            + "(.ci/install-deps does, as CI runs it)";

    private SwtpmRequired() {
    }

    public static void assertInstalled() {
        assertTrue(Swtpm.installed(), MISSING);
    }
}
