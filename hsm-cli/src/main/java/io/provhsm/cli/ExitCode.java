package io.provhsm.cli;

/** The command's exit codes. */
public final class ExitCode {
    public static final int OK = 0;
    public static final int USAGE = 2;
    public static final int NO_PROVIDER = 3;
    public static final int HSM_FAILURE = 4;

    private ExitCode() {
    }
}
