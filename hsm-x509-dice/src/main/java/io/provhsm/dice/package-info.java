/**
 * The {@code dice} provider: a pure-Java DICE engine serving X.509 identities, the library's embedded default.
 *
 * <h2>Profiles ({@code provhsm.dice.profile})</h2>
 * <ul>
 *   <li>{@code open-dice} (default): the Open Profile for DICE with P-256 ({@link io.provhsm.dice.OpenDice}); on top,
 *       the provisioning chain of {@link io.provhsm.dice.DeviceIdentity}: alias (CN = registration id) and DeviceID
 *       certificates under a {@link io.provhsm.dice.RootCa} for group enrollment.</li>
 *   <li>{@code riot}: the Azure IoT C SDK's DICE/RIoT emulator, bit for bit ({@link io.provhsm.dice.riot}); weak and
 *       shared identities, for devices already enrolled with it.</li>
 *   <li>{@code riot-fixed}: the same with a consistent root key pair, so that its chain verifies.</li>
 * </ul>
 *
 * <h2>Settings (system property, {@code PROVHSM_...} environment variable, or configuration)</h2>
 * <table>
 *   <caption>open-dice</caption>
 *   <tr><td>{@code provhsm.dice.uds}</td><td>the UDS, 32 bytes of hex</td></tr>
 *   <tr><td>{@code provhsm.dice.uds-file}</td><td>a file holding it (32 raw bytes or 64 hex digits, owner-only)</td></tr>
 *   <tr><td>{@code provhsm.dice.data-dir}</td><td>where the default UDS ({@code dice-uds}) and signer secret
 *       ({@code dice-signer}) files are created on first use; default provhsm's user data directory,
 *       {@link io.provhsm.spi.HsmConfig#userDataDirectory()} ({@code $XDG_DATA_HOME/provhsm} or
 *       {@code ~/.local/share/provhsm} on Linux)</td></tr>
 *   <tr><td>{@code provhsm.dice.code-hash} / {@code provhsm.dice.firmware-file}</td><td>the code measurement: 64 bytes
 *       of hex, or the SHA-512 of a file (default zero)</td></tr>
 *   <tr><td>{@code provhsm.dice.code-descriptor}, {@code provhsm.dice.config-value} (64 bytes) or
 *       {@code provhsm.dice.config-descriptor}, {@code provhsm.dice.authority-hash} (64),
 *       {@code provhsm.dice.authority-descriptor}, {@code provhsm.dice.hidden} (64)</td><td>the other DICE inputs, hex
 *       (default zero / empty)</td></tr>
 *   <tr><td>{@code provhsm.dice.mode}</td><td>{@code normal} (default), {@code debug}, {@code recovery},
 *       {@code not-configured}</td></tr>
 *   <tr><td>{@code provhsm.dice.signer-secret}</td><td>16 to 64 bytes of hex the root CA key is derived from (the same
 *       secret on every device gives one group CA); default: the {@code dice-signer} file</td></tr>
 *   <tr><td>{@code provhsm.dice.signer-key-file}, {@code provhsm.dice.signer-key-password}</td><td>the root CA key
 *       (P-256) and certificate from PEM or PKCS#12 ({@code .p12}/{@code .pfx}) instead</td></tr>
 * </table>
 * <table>
 *   <caption>riot, riot-fixed</caption>
 *   <tr><td>{@code provhsm.dice.uds}, {@code provhsm.dice.measurement}, {@code provhsm.dice.fwid}</td>
 *       <td>32 bytes of hex each; default the C SDK's built-in values</td></tr>
 * </table>
 */
package io.provhsm.dice;
