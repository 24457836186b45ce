package io.provhsm.tck.broken;

import io.provhsm.tck.testing.SoftwareX509Provider;

/** Breaks x509.persistence.same-identity-after-reopen: every session makes a new key and certificate. */
public final class ForgetfulProvider extends SoftwareX509Provider {
    @Override
    public String name() {
        return "broken-forgetful";
    }

    @Override
    protected Identity identity() {
        return Identity.create("broken-forgetful-device", "broken-forgetful-device");
    }
}
