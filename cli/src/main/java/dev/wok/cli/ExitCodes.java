package dev.wok.cli;

/**
 * Exit codes of wok and wokd's client commands, for scripts to branch on; 3 and 4 follow LSB init
 * scripts' status codes. The README lists them with the commands that use each.
 */
public final class ExitCodes {
    public static final int OK = 0;
    /** Anything else that went wrong; the message says what. */
    public static final int FAILURE = 1;
    /** Bad arguments or bad input (including a socket path that is too long, or a bad config). */
    public static final int USAGE = 2;
    /** The daemon is not running. */
    public static final int NOT_RUNNING = 3;
    /** The daemon is there but does not answer. */
    public static final int NOT_ANSWERING = 4;
    /** What was waited for did not happen in time (the daemon goes on trying). */
    public static final int TIMEOUT = 5;
    /** Not connected upstream, and waiting will not help: no upstream configured, or credentials refused. */
    public static final int NOT_CONNECTED = 6;
    /** The outbox holds its quota of ops ([store] max_pending); nothing was stored. */
    public static final int OUTBOX_FULL = 7;
    /** The daemon's store cannot take writes: disk full, read-only, damaged; the message says which. */
    public static final int STORE_UNAVAILABLE = 8;

    private ExitCodes() {}
}
