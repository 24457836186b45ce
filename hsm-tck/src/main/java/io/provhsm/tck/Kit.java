package io.provhsm.tck;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** Helpers the rules share: daemon threads and running one body on many threads at once. */
final class Kit {
    private Kit() {
    }

    static ThreadFactory daemonThreads(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    @FunctionalInterface
    interface ConcurrentBody {
        void run(int thread, int iteration) throws Exception;
    }

    /**
     * Runs {@code body} on {@code threads} threads released together, {@code iterations} times each. The
     * first failure (by thread number) fails the rule; a run that does not end within 60 s fails as a hang.
     * The first failure stops the other threads at their next iteration, and the call returns only once every
     * thread has ended (or after 10 s more): calls still running would otherwise reach into the next rule.
     */
    static void concurrently(int threads, int iterations, ConcurrentBody body) throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(threads, daemonThreads("tck-concurrent"));
        CyclicBarrier start = new CyclicBarrier(threads);
        AtomicBoolean stop = new AtomicBoolean();
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(executor.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    try {
                        for (int i = 0; i < iterations && !stop.get(); i++) {
                            body.run(thread, i);
                        }
                    } catch (Exception | Error e) {
                        stop.set(true);
                        throw e;
                    }
                    return null;
                }));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            for (int t = 0; t < threads; t++) {
                try {
                    futures.get(t).get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof RuleViolation violation) {
                        throw new RuleViolation("unsafe under concurrency (" + threads + " threads): " + violation.getMessage(), cause);
                    }
                    throw new RuleViolation("unsafe under concurrency (" + threads + " threads): thread " + t + " failed with "
                            + cause, cause);
                } catch (TimeoutException e) {
                    throw new RuleViolation("unsafe under concurrency: " + threads + " threads did not finish within 60 s (deadlock?)");
                }
            }
        } finally {
            stop.set(true);
            executor.shutdownNow();
            executor.awaitTermination(10, TimeUnit.SECONDS);
        }
    }
}
