package io.provhsm.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** The concurrency helper the robustness rules share: its threads never outlive the rule that started them. */
class KitTest {

    @Test
    void aFailureStopsTheOtherThreadsAndNoCallRunsAfterTheHelperReturns() {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger calls = new AtomicInteger();
        RuleViolation violation = assertThrows(RuleViolation.class, () -> Kit.concurrently(8, 1000, (thread, iteration) -> {
            running.incrementAndGet();
            calls.incrementAndGet();
            try {
                if (thread == 0) {
                    throw new RuleViolation("thread 0 saw a wrong value");
                }
                // ignores interruption, like a call blocked in a device round trip
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            } finally {
                running.decrementAndGet();
            }
        }));
        int callsWhenReturned = calls.get();
        assertEquals(0, running.get(), "calls still running after the rule's helper returned");
        assertTrue(violation.getMessage().contains("thread 0 saw a wrong value"), violation.getMessage());
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
        assertEquals(callsWhenReturned, calls.get(), "calls started after the rule's helper returned");
        assertTrue(callsWhenReturned < 8 * 1000, "the other threads were not stopped: " + callsWhenReturned + " calls");
    }
}
