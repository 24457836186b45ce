package io.provhsm.tck.broken;

import io.provhsm.tck.testing.SoftwareX509Provider;

/** Breaks x509.contract.leaf-cn-is-registration-id: the leaf certificate names another device. */
public final class WrongCommonNameProvider extends SoftwareX509Provider {
    private static final Identity IDENTITY = Identity.create("broken-wrong-cn-device", "someone-else");

    @Override
    public String name() {
        return "broken-wrong-cn";
    }

    @Override
    protected Identity identity() {
        return IDENTITY;
    }
}
