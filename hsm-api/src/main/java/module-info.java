/** provhsm caller API ({@code io.provhsm}), provider SPI ({@code io.provhsm.spi}) and provisioning codecs. */
module io.provhsm.api {
    exports io.provhsm;
    exports io.provhsm.spi;
    exports io.provhsm.dps;
    uses io.provhsm.spi.HsmProvider;
    // the software symmetric-key provider; needs only the JDK (also in META-INF/services for the class path)
    provides io.provhsm.spi.HsmProvider with io.provhsm.symmetric.SymmetricKeyProvider;
}
