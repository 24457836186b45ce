package io.provhsm.bench;

import io.provhsm.dice.DeviceIdentity;
import io.provhsm.dice.DiceInputs;
import io.provhsm.dice.DiceMode;
import io.provhsm.dice.OpenDice;
import io.provhsm.dice.RootCa;
import io.provhsm.dice.crypto.EcKeyPair;
import io.provhsm.dice.crypto.P256;
import io.provhsm.dice.riot.RiotEmulator;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The DICE engine's costs, with the primitives they are made of measured in the same run so that results read as
 * ratios: an open-dice identity is 2 key derivations (DeviceID, alias) + 3 signatures (DeviceID, alias and DICE layer
 * certificates) + CDIs and identifiers; the root CA is the manufacturer's and derived once.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar DiceBenchmark -wi 2 -i 3 -f 1 -r 2s -w 1s -bm sample -tu us</pre>
 * (sample mode: the medians stay readable on a busy machine, where averages do not)
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class DiceBenchmark {
    private final byte[] uds = new byte[32];
    private final byte[] cdi = new byte[32];
    private final byte[] tbsLike = new byte[400];
    private DiceInputs firmware;
    private RootCa root;
    private EcKeyPair aliasKey;
    private byte[] hash;
    private PrivateKey sunEcKey;

    @Setup
    public void setUp() throws Exception {
        for (int i = 0; i < 32; i++) {
            uds[i] = (byte) i;
            cdi[i] = (byte) (0x80 + i);
        }
        byte[] codeHash = new byte[64];
        codeHash[0] = 1;
        firmware = DiceInputs.zero(DiceMode.NORMAL).withCodeHash(codeHash);
        root = RootCa.derive(new byte[32]);
        aliasKey = DeviceIdentity.create(uds, firmware, root).aliasKey();
        hash = P256.sha256(tbsLike);
        sunEcKey = aliasKey.jcaPrivateKey();
    }

    /** Everything a device presents: CDIs, DeviceID and alias keys, DeviceID, alias and DICE layer certificates. */
    @Benchmark
    public DeviceIdentity wholeIdentity() {
        return DeviceIdentity.create(uds, firmware, root);
    }

    /** What the device does per TLS handshake: sign with the alias key (RFC 6979 ECDSA-SHA256 over ~400 bytes). */
    @Benchmark
    public byte[] aliasKeySign() {
        return aliasKey.sign(tbsLike);
    }

    /** Primitive: one DICE asymmetric key derivation (HKDF, HMAC_DRBG-SHA512, d*G with the fixed-point comb). */
    @Benchmark
    public EcKeyPair keyDerivation() {
        return OpenDice.keyPair(cdi, "Key Pair");
    }

    /** Primitive: one RFC 6979 ECDSA P-256 signature over a precomputed hash. */
    @Benchmark
    public byte[] signature() {
        return P256.signDeterministic(aliasKey.privateScalar(), hash);
    }

    /** Primitive: both CDIs of one layer (SHA-512 and HKDF-SHA512). */
    @Benchmark
    public byte[] cdis() {
        byte[] attest = OpenDice.cdiAttest(uds, firmware);
        byte[] seal = OpenDice.cdiSeal(uds, firmware);
        attest[0] ^= seal[0];
        return attest;
    }

    /** Baseline: the same signature through the JDK's SunEC provider. */
    @Benchmark
    public byte[] sunEcSignature() throws Exception {
        Signature signer = Signature.getInstance("SHA256withECDSA", "SunEC");
        signer.initSign(sunEcKey);
        signer.update(tbsLike);
        return signer.sign();
    }

    /** The riot profile's whole identity (2 keys + 3 certificates, as the C emulator's 2.2 ms). */
    @Benchmark
    public Object riotIdentity() {
        return RiotEmulator.create(RiotEmulator.DEFAULT_UDS, RiotEmulator.DEFAULT_MEASUREMENT, RiotEmulator.DEFAULT_FWID);
    }
}
