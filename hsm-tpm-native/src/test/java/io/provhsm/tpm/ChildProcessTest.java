package io.provhsm.tpm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ChildProcessTest {
    @Test
    void aChildThatDoesNotEndInTimeFailsTheTestAndIsKilled() {
        ProcessBuilder sleeper = new ProcessBuilder("sh", "-c", "echo started; exec sleep 30");
        AssertionError e = assertThrows(AssertionError.class, () -> ChildProcess.run(sleeper, 1));
        assertTrue(e.getMessage().contains("did not finish in 1 s"), e.getMessage());
        assertTrue(ProcessHandle.current().children().noneMatch(p -> p.info().command().orElse("").endsWith("sleep")),
                "the child was killed");
    }

    @Test
    void moreOutputThanAPipeHoldsIsReadWhileTheChildRuns() {
        ChildProcess.Result result = ChildProcess.run(new ProcessBuilder("sh", "-c", "head -c 300000 /dev/zero; echo oops >&2; exit 3"), 30);
        assertEquals(3, result.exitCode());
        assertEquals(300_000, result.out().length());
        assertEquals("oops\n", result.err());
    }
}
