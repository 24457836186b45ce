package io.provhsm.custom;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import io.provhsm.custom.binding.JnaBinding;

/**
 * The provisioning service's side of TPM activation for these tests: libexample_service (native/example,
 * example_service.c), a C implementation independent of the example HSM's device side.
 */
final class ServiceSide {
    private ServiceSide() {
    }

    /** The activation blob sealing {@code hmacKey} to the TPM with these EK and SRK (TPM2B_PUBLIC). */
    static byte[] seal(byte[] endorsementKey, byte[] storageRootKey, byte[] hmacKey) {
        NativeLibrary service = NativeLibrary.getInstance(NativeLibraries.path("example_service"));
        try (Memory out = new Memory(2L * Native.POINTER_SIZE)) {
            out.clear();
            int rc = service.getFunction("example_service_seal").invokeInt(new Object[] {endorsementKey,
                new JnaBinding.SizeT(endorsementKey.length), storageRootKey, new JnaBinding.SizeT(storageRootKey.length), hmacKey,
                new JnaBinding.SizeT(hmacKey.length), out, out.share(Native.POINTER_SIZE)});
            assertEquals(0, rc, "example_service_seal failed");
            Pointer blob = out.getPointer(0);
            long length = Native.SIZE_T_SIZE == 8 ? out.getLong(Native.POINTER_SIZE) : out.getInt(Native.POINTER_SIZE);
            byte[] bytes = blob.getByteArray(0, (int) length);
            Native.free(Pointer.nativeValue(blob));
            return bytes;
        }
    }
}
