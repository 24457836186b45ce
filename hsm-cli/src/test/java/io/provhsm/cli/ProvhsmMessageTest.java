package io.provhsm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.provhsm.HsmUnavailableException;
import org.junit.jupiter.api.Test;

/** How an error becomes the one line after "provhsm: ", and which exit code it gets. */
class ProvhsmMessageTest {
    @Test
    void stateAndArgumentErrorsAreShownByTheirMessageAlone() {
        assertEquals("no identity key yet", Provhsm.message(new IllegalStateException("no identity key yet")));
        assertEquals("length must be 32", Provhsm.message(new IllegalArgumentException(" length\n  must be 32 ")));
        assertEquals("device did not answer", Provhsm.message(new HsmUnavailableException("device did not answer")));
    }

    @Test
    void unexpectedExceptionsKeepTheirType() {
        assertEquals("NullPointerException: handle is null", Provhsm.message(new NullPointerException("handle is null")));
        assertEquals("UnsupportedOperationException", Provhsm.message(new UnsupportedOperationException()));
        assertEquals("IllegalStateException", Provhsm.message(new IllegalStateException()), "no message: the type is all there is");
    }

    @Test
    void stateErrorsAreStillHsmFailures() {
        assertEquals(ExitCode.HSM_FAILURE, Provhsm.exitCode(new IllegalStateException("x")));
        assertEquals(ExitCode.HSM_FAILURE, Provhsm.exitCode(new IllegalArgumentException("x")));
    }
}
