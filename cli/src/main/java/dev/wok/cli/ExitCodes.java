package dev.wok.cli;

/** Exit codes of wok and wokd's client commands; 3 and 4 follow LSB init scripts' status codes. */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int FAILURE = 1;
    public static final int USAGE = 2;
    /** The daemon is not running. */
    public static final int NOT_RUNNING = 3;
    /** The daemon is there but does not answer. */
    public static final int NOT_ANSWERING = 4;

    private ExitCodes() {}
}
