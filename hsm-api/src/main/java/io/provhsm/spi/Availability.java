package io.provhsm.spi;

import java.util.Objects;

/** Whether a provider can serve on this machine with this configuration, and if not, why. */
public record Availability(boolean available, String reason) {

    public Availability {
        Objects.requireNonNull(reason, "reason");
    }

    public static Availability available(String how) {
        return new Availability(true, how);
    }

    public static Availability unavailable(String why) {
        return new Availability(false, why);
    }
}
