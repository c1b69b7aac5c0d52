package dev.wok.protocol.client;

import java.io.IOException;

/** The daemon could not be reached or stopped answering; {@link #reason()} says which. */
public final class DaemonUnavailableException extends IOException {
    public enum Reason {
        /** No socket file: the daemon is not running. */
        NOT_RUNNING,
        /** A socket file nobody listens on: left behind by a daemon that died. */
        STALE_SOCKET,
        /** Connected (or connecting) but no answer within the timeout. */
        NOT_ANSWERING,
        /** The socket or its directory is not ours to use. */
        ACCESS_DENIED,
        /** The daemon closed the connection. */
        CONNECTION_LOST
    }

    private final Reason reason;

    public DaemonUnavailableException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
