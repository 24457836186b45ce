package io.provhsm.tck;

/** The vendor-facing base class, used exactly as a vendor would: each rule becomes one dynamic test. */
class TestFactoryBaseTest extends ProviderConformanceTest {
    @Override
    protected String providerName() {
        return "test-x509";
    }
}
