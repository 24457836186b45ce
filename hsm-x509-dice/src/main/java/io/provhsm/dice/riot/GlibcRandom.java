package io.provhsm.dice.riot;

/**
 * glibc's {@code srand}/{@code rand} (the TYPE_3 additive feedback generator, degree 31, separation 3), which the
 * reference emulator's key derivation draws from. Not thread-safe; for the RIoT profile only.
 */
final class GlibcRandom {
    private static final int DEGREE = 31;
    private static final int SEPARATION = 3;
    private final int[] state = new int[DEGREE];
    private int front = SEPARATION;
    private int rear = 0;

    GlibcRandom(int seed) {
        int word = seed == 0 ? 1 : seed;
        state[0] = word;
        for (int i = 1; i < DEGREE; i++) {
            // 16807 * word mod (2^31 - 1) without overflow (Schrage), exactly as glibc computes it
            int hi = word / 127773;
            int lo = word % 127773;
            word = 16807 * lo - 2836 * hi;
            if (word < 0) {
                word += 2147483647;
            }
            state[i] = word;
        }
        for (int i = 0; i < DEGREE * 10; i++) {
            next();
        }
    }

    /** The next {@code rand()} value, 0 to 2^31 - 1. */
    int next() {
        state[front] += state[rear];
        int result = state[front] >>> 1;
        front++;
        if (front >= DEGREE) {
            front = 0;
            rear++;
        } else {
            rear++;
            if (rear >= DEGREE) {
                rear = 0;
            }
        }
        return result;
    }

    void wipe() {
        java.util.Arrays.fill(state, 0);
    }
}
