package dev.wok.protocol.api;

import java.util.Locale;
import java.util.Optional;

/**
 * The connector's states (docs/ARCHITECTURE.md, "The connector"), shown lower-case in status and watch.
 */
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
    /** The daemon is stopping: the connection is being closed. */
    CLOSING,
    /** The daemon stopped its connector; nothing follows. */
    CLOSED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<ConnectionState> ofLabel(String label) {
        for (ConnectionState s : values()) {
            if (s.label().equals(label)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** States in which the connector is trying to reach the upstream. */
    public boolean trying() {
        return this == CONNECTING || this == RECONNECTING || this == SUSPENDED;
    }
}
