package dev.wok.daemon.upstream;

import java.util.Locale;

/** The connector's states (DESIGN 5), shown lower-case in status and watch. */
public enum ConnectionState {
    /** No upstream configured: everything stays local. */
    DISABLED,
    /** Paused by {@code disconnect}; waits for {@code connect}. */
    DISCONNECTED,
    /** Connecting, or waiting to retry, before the first connection since start or a manual connect. */
    CONNECTING,
    CONNECTED,
    /** Connecting, or waiting to retry, after a connection was lost. */
    RECONNECTING,
    /** Max attempts reached: still retrying, at the cap; shown as degraded. */
    SUSPENDED,
    /** Fatal (credentials rejected, protocol incompatible): waits for connect, a reload or a new token. */
    FAILED,
    CLOSING,
    CLOSED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
