/** provhsm caller API ({@code io.provhsm}), provider SPI ({@code io.provhsm.spi}) and provisioning codecs. */
module io.provhsm.api {
    exports io.provhsm;
    exports io.provhsm.spi;
    exports io.provhsm.dps;
    uses io.provhsm.spi.HsmProvider;
}
