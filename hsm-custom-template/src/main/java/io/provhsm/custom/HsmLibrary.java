package io.provhsm.custom;

import io.provhsm.HsmException;
import io.provhsm.HsmUnavailableException;
import io.provhsm.custom.binding.JnaBinding;
import io.provhsm.custom.binding.JnrBinding;
import io.provhsm.custom.binding.NativeBinding;
import io.provhsm.dps.HmacSha256;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * One loaded custom-HSM library: which tables it exports, the reference-counted init/deinit shared by every
 * handle on it (across both bindings: they load the same file), and the only code that touches memory the
 * library returns. Every returned buffer or string is freed exactly once with the C library's {@code free};
 * NULL, lengths the function's contract does not allow and unterminated strings become an {@link HsmException}
 * naming the function. A length is checked before a byte is read: the JVM cannot know how much the library
 * really allocated, so reading what a lying length claims could run off the allocation.
 */
public final class HsmLibrary {
    /**
     * Bound on a returned string whose size the contract leaves open (the certificate chain, the key PEM): a
     * chain of a few certificates is a few KiB, so 1 MiB (with its NUL) only stops a runaway scan.
     */
    public static final int MAX_RETURNED = 1 << 20;
    /**
     * Largest marshalled TPM2B_PUBLIC: its 2-byte size field plus the largest TPMT_PUBLIC, an RSA-4096 key's:
     * type 2, nameAlg 2, objectAttributes 4, authPolicy 2 + 64 (SHA-512), TPMS_RSA_PARMS 16 (symmetric 6, scheme 4,
     * keyBits 2, exponent 4), unique 2 + 512 = 604. ECC is smaller (P-521: 2+2+4+66+16 + 2 x (2+66) = 226).
     */
    public static final int MAX_TPM2B_PUBLIC = 2 + 604;
    // strings are scanned page by page so a terminated string is never read past the page holding its NUL
    private static final int PAGE = 4096;
    private static final String SYSTEM_INIT = "initialize_hsm_system";
    private static final String SYSTEM_DEINIT = "deinitialize_hsm_system";

    private static final System.Logger LOG = System.getLogger(HsmLibrary.class.getName());
    private static final ConcurrentMap<String, HsmLibrary> LOADED = new ConcurrentHashMap<>();
    private static final ConcurrentMap<String, InitCount> INIT_COUNTS = new ConcurrentHashMap<>();

    private final NativeBinding binding;
    private final String location;
    private final String displayName;

    /** How many sessions use the library, and what undoes its init. */
    private static final class InitCount {
        int users;
        Runnable deinit;
    }

    private HsmLibrary(NativeBinding binding, String location) {
        this.binding = binding;
        this.location = location;
        this.displayName = Path.of(location).getFileName().toString();
    }

    /**
     * Loads (once per binding and file) the library named by {@code spec}: a path, or a name looked up in
     * {@code jna.library.path}, {@code java.library.path} and then by the dynamic loader.
     *
     * @throws HsmUnavailableException if it cannot be found or loaded (the loader's message included)
     */
    public static HsmLibrary load(String spec, String bindingName) {
        String location = locate(spec);
        return LOADED.computeIfAbsent(bindingName + ":" + location, key -> {
            try {
                NativeBinding binding = switch (bindingName) {
                    case CustomSettings.BINDING_JNA -> new JnaBinding(location);
                    case CustomSettings.BINDING_JNR -> new JnrBinding(location);
                    default -> throw new IllegalArgumentException("unknown binding " + bindingName);
                };
                HsmLibrary library = new HsmLibrary(binding, location);
                LOG.log(System.Logger.Level.DEBUG, () -> "loaded custom HSM library " + location + " through " + bindingName
                        + "; it exports " + library.exportedTables());
                return library;
            } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
                throw new HsmUnavailableException("cannot load custom HSM library " + location + " through " + bindingName
                        + ": " + e.getMessage(), e);
            }
        });
    }

    static String locate(String spec) {
        if (spec.contains("/") || spec.contains(File.separator)) {
            Path path = Path.of(spec).toAbsolutePath().normalize();
            if (!Files.isRegularFile(path)) {
                throw new HsmUnavailableException("custom HSM library " + path + " does not exist");
            }
            return path.toString();
        }
        String file = spec.contains(".so") || spec.endsWith(".dylib") || spec.endsWith(".dll") ? spec : System.mapLibraryName(spec);
        for (String property : List.of("jna.library.path", "java.library.path")) {
            for (String dir : System.getProperty(property, "").split(File.pathSeparator)) {
                if (!dir.isBlank() && Files.isRegularFile(Path.of(dir, file))) {
                    return Path.of(dir, file).toAbsolutePath().normalize().toString();
                }
            }
        }
        return file; // left to the dynamic loader (LD_LIBRARY_PATH, the loader cache)
    }

    public NativeBinding binding() {
        return binding;
    }

    /** The library file name and binding, for messages: "libvendor.so via jna". */
    public String describe() {
        return displayName + " via " + binding.name();
    }

    String where() {
        return " (" + describe() + ")";
    }

    /** The tables whose getter the library exports. */
    public Set<HsmTable> exportedTables() {
        Set<HsmTable> tables = EnumSet.noneOf(HsmTable.class);
        for (HsmTable table : HsmTable.values()) {
            if (binding.symbol(table.getter()) != 0) {
                tables.add(table);
            }
        }
        return tables;
    }

    /** Calls the table's getter and checks every function pointer; names the getter or the NULL fields. */
    FunctionTable table(HsmTable table) {
        long getter = binding.symbol(table.getter());
        if (getter == 0) {
            List<String> exported = exportedTables().stream().map(HsmTable::getter).toList();
            throw new HsmException(displayName + " does not export " + table.getter() + " (" + table.mechanism()
                    + "); it exports " + (exported.isEmpty() ? "none of the three interface getters" : String.join(", ", exported)));
        }
        long address = binding.callPointer(getter);
        if (address == 0) {
            throw new HsmException(table.getter() + "() returned NULL" + where());
        }
        int size = binding.addressSize();
        long[] functions = new long[table.fields().size()];
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < functions.length; i++) {
            functions[i] = binding.readAddress(address + (long) i * size);
            if (functions[i] == 0) {
                missing.add(table.fields().get(i));
            }
        }
        if (!missing.isEmpty()) {
            throw new HsmException(table.structName() + " from " + table.getter() + "() has NULL function pointers: "
                    + String.join(", ", missing) + where());
        }
        return new FunctionTable(table, functions);
    }

    /**
     * One more user: the first runs the library's init (its {@code initialize_hsm_system} if it exports one,
     * otherwise the x509 then the TPM init of the tables it exports, as the C SDK does).
     */
    void acquire() {
        InitCount count = INIT_COUNTS.computeIfAbsent(location, key -> new InitCount());
        synchronized (count) {
            if (count.users == 0) {
                count.deinit = initialize();
            }
            count.users++;
        }
    }

    /** One user fewer: the last runs the matching deinit. */
    void release() {
        InitCount count = INIT_COUNTS.get(location);
        synchronized (count) {
            if (--count.users == 0) {
                Runnable deinit = count.deinit;
                count.deinit = null;
                deinit.run();
            }
        }
    }

    private Runnable initialize() {
        long systemInit = binding.symbol(SYSTEM_INIT);
        if (systemInit != 0) {
            long systemDeinit = require(SYSTEM_DEINIT, SYSTEM_INIT);
            int rc = binding.callInt(systemInit);
            if (rc != 0) {
                throw new HsmException(SYSTEM_INIT + "() returned " + rc + where());
            }
            return () -> binding.callVoid(systemDeinit);
        }
        Set<HsmTable> exported = exportedTables();
        List<HsmTable> initialised = new ArrayList<>();
        List<long[]> pairs = new ArrayList<>();
        for (HsmTable table : List.of(HsmTable.X509, HsmTable.TPM)) { // the C SDK's order
            if (exported.contains(table)) {
                pairs.add(new long[] {require(table.init(), table.getter()), require(table.deinit(), table.getter())});
                initialised.add(table);
            }
        }
        for (int i = 0; i < pairs.size(); i++) {
            int rc = binding.callInt(pairs.get(i)[0]);
            if (rc != 0) {
                for (int j = i - 1; j >= 0; j--) {
                    binding.callVoid(pairs.get(j)[1]);
                }
                throw new HsmException(initialised.get(i).init() + "() returned " + rc + where());
            }
        }
        return () -> pairs.forEach(pair -> binding.callVoid(pair[1]));
    }

    private long require(String symbol, String because) {
        long address = binding.symbol(symbol);
        if (address == 0) {
            throw new HsmException(displayName + " exports " + because + " but not " + symbol + " (" + binding.name() + ")");
        }
        return address;
    }

    // ------------------------------------------------------------------ memory the library returns

    /** What a function's contract lets it return through {@code (unsigned char** out, size_t* out_len)}. */
    enum ReturnedBuffer {
        /** {@code hsm_client_sign_with_identity}: an HMAC-SHA256, exactly {@value HmacSha256#LENGTH} bytes. */
        HMAC_SHA256,
        /** {@code hsm_client_get_ek}, {@code _srk}: a TPM2B_PUBLIC, whose size field counts the bytes after it. */
        TPM2B_PUBLIC
    }

    /** A string the library returned (NUL-terminated within {@code bound} bytes, NUL included), freed here. */
    String takeString(long address, String function, int bound) {
        return new String(takeStringBytes(address, function, bound, false), StandardCharsets.UTF_8);
    }

    /** A secret string's bytes; its native copy is zeroed before it is freed. The caller wipes the result. */
    byte[] takeSecretString(long address, String function, int bound) {
        return takeStringBytes(address, function, bound, true);
    }

    private byte[] takeStringBytes(long address, String function, int bound, boolean secret) {
        if (address == 0) {
            throw new HsmException(function + " returned NULL" + where());
        }
        try {
            int length = terminatedLength(address, function, bound);
            byte[] bytes = new byte[length];
            binding.read(address, bytes, 0, length);
            if (secret) {
                binding.clear(address, length);
            }
            return bytes;
        } finally {
            binding.freeReturned(address);
        }
    }

    private int terminatedLength(long address, String function, int bound) {
        byte[] chunk = new byte[PAGE];
        try {
            long scanned = 0;
            while (scanned < bound) {
                long at = address + scanned;
                int n = (int) Math.min(PAGE - (at & (PAGE - 1)), bound - scanned);
                binding.read(at, chunk, 0, n);
                for (int i = 0; i < n; i++) {
                    if (chunk[i] == 0) {
                        return (int) (scanned + i);
                    }
                }
                scanned += n;
            }
            throw new HsmException(function + " returned a string without a terminating NUL within " + bound + " bytes" + where());
        } finally {
            HmacSha256.wipe(chunk); // it held a copy of the string, which may be a key
        }
    }

    /**
     * A buffer returned through {@code (unsigned char** out, size_t* out_len)} at {@code outs}, freed here; its
     * length is held to the contract before anything is read.
     */
    private byte[] takeBuffer(long outs, String function, ReturnedBuffer contract) {
        long address = binding.readAddress(outs);
        long length = binding.readSize(outs + binding.addressSize());
        if (address == 0) {
            throw new HsmException(function + " returned 0 but a NULL buffer (length " + Long.toUnsignedString(length) + ")" + where());
        }
        try {
            return switch (contract) {
                case HMAC_SHA256 -> readHmac(address, length, function);
                case TPM2B_PUBLIC -> readTpm2bPublic(address, length, function);
            };
        } finally {
            binding.freeReturned(address);
        }
    }

    private byte[] readHmac(long address, long length, String function) {
        if (length != HmacSha256.LENGTH) {
            throw new HsmException(function + " returned a buffer of " + Long.toUnsignedString(length)
                    + " bytes; an HMAC-SHA256 is exactly " + HmacSha256.LENGTH + " bytes" + where());
        }
        byte[] hmac = new byte[HmacSha256.LENGTH];
        binding.read(address, hmac, 0, hmac.length);
        return hmac;
    }

    /**
     * The size field is read first and must count exactly the rest: a length that disagrees is refused after
     * reading 2 bytes, not {@code length}. A length within the bound that agrees with the field cannot be checked
     * further (the allocation's size is the library's secret); both would have to lie the same way.
     */
    private byte[] readTpm2bPublic(long address, long length, String function) {
        if (Long.compareUnsigned(length, 2) < 0 || Long.compareUnsigned(length, MAX_TPM2B_PUBLIC) > 0) {
            throw new HsmException(function + " returned a buffer of " + Long.toUnsignedString(length)
                    + " bytes; a TPM2B_PUBLIC is 2 to " + MAX_TPM2B_PUBLIC + " bytes" + where());
        }
        byte[] tpm2b = new byte[(int) length];
        binding.read(address, tpm2b, 0, 2);
        int declared = ((tpm2b[0] & 0xff) << 8) | (tpm2b[1] & 0xff);
        if (declared != length - 2) {
            throw new HsmException(function + " returned a buffer of " + length + " bytes but its TPM2B_PUBLIC size field says "
                    + declared + " (+2)" + where());
        }
        binding.read(address + 2, tpm2b, 2, declared);
        return tpm2b;
    }

    // ------------------------------------------------------------------ calls with the ABI's shapes

    /** {@code char* f(handle)}; {@code bound} is the most bytes (NUL included) its contract allows. */
    String callString(FunctionTable table, int index, long handle, int bound) {
        return takeString(binding.callPointer(table.function(index), handle), table.name(index), bound);
    }

    byte[] callSecretString(FunctionTable table, int index, long handle, int bound) {
        return takeSecretString(binding.callPointer(table.function(index), handle), table.name(index), bound);
    }

    /** {@code int f(handle, unsigned char** out, size_t* out_len)}. */
    byte[] callBufferOut(FunctionTable table, int index, long handle, ReturnedBuffer contract) {
        long outs = binding.allocate(2L * binding.addressSize());
        try {
            int rc = binding.callInt(table.function(index), handle, outs, outs + binding.addressSize());
            failOn(rc, table.name(index));
            return takeBuffer(outs, table.name(index), contract);
        } finally {
            binding.release(outs);
        }
    }

    /** {@code int f(handle, const unsigned char* data, size_t len, unsigned char** out, size_t* out_len)}. */
    byte[] callBufferInOut(FunctionTable table, int index, long handle, byte[] data, ReturnedBuffer contract) {
        int size = binding.addressSize();
        long scratch = binding.allocate(2L * size + Math.max(1, data.length));
        try {
            long input = scratch + 2L * size;
            binding.write(input, data, 0, data.length);
            int rc = binding.callInt(table.function(index), handle, input, data.length, scratch, scratch + size);
            failOn(rc, table.name(index));
            return takeBuffer(scratch, table.name(index), contract);
        } finally {
            binding.release(scratch);
        }
    }

    /** {@code int f(handle, const unsigned char* data, size_t len)}; the native copy is wiped. */
    void callBufferIn(FunctionTable table, int index, long handle, byte[] data) {
        long input = binding.allocate(Math.max(1, data.length));
        try {
            binding.write(input, data, 0, data.length);
            failOn(binding.callIntSized(table.function(index), handle, input, data.length), table.name(index));
        } finally {
            binding.clear(input, Math.max(1, data.length));
            binding.release(input);
        }
    }

    /** {@code int f(handle, const char* a, const char* b)}; both native copies are wiped. */
    void callStrings(FunctionTable table, int index, long handle, byte[] first, byte[] second) {
        long size = first.length + 1L + second.length + 1L;
        long strings = binding.allocate(size);
        try {
            binding.write(strings, first, 0, first.length);
            binding.write(strings + first.length + 1, second, 0, second.length);
            failOn(binding.callInt(table.function(index), handle, strings, strings + first.length + 1), table.name(index));
        } finally {
            binding.clear(strings, size);
            binding.release(strings);
        }
    }

    /* On failure the ABI leaves the out-parameters untouched, so whatever is there is neither read nor freed. */
    private void failOn(int rc, String function) {
        if (rc != 0) {
            throw new HsmException(function + " failed with " + rc + where());
        }
    }
}
