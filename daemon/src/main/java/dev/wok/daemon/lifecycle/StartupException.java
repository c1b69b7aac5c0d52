package dev.wok.daemon.lifecycle;

/** wokd cannot start; the message says why and what to do. */
public final class StartupException extends Exception {
    public enum Reason {
        ALREADY_RUNNING,
        UNSAFE_SOCKET_DIRECTORY,
        SOCKET_PATH_TOO_LONG,
        CANNOT_BIND,
        CANNOT_WRITE_STATE,
        BAD_CONFIG,
        /** The store was written by a newer wokd. */
        UNUSABLE_STORE
    }

    private final Reason reason;

    public StartupException(Reason reason, String message) {
        this(reason, message, null);
    }

    public StartupException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
