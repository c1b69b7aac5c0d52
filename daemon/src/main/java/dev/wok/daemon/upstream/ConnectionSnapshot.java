package dev.wok.daemon.upstream;

import dev.wok.protocol.api.ConnectionState;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What the connector is doing, as of one transition. Immutable: IPC handlers read the latest one and
 * never touch the connector's own state.
 *
 * @param attempt consecutive attempts since the last stable connection (0 when connected or idle)
 * @param nextRetryAt when the next attempt starts, while waiting for it
 * @param lastHeartbeatAt when the last pong arrived, and {@code lastRoundTrip} how long its ping took
 */
public record ConnectionSnapshot(ConnectionState state, int attempt, int maxAttempts, Optional<Instant> nextRetryAt,
                                 Optional<String> url, Optional<Instant> connectedSince, Optional<String> lastError,
                                 Optional<Instant> lastHeartbeatAt, Optional<Duration> lastRoundTrip, long generation) {
    public static ConnectionSnapshot initial(Optional<String> url, int maxAttempts) {
        return new ConnectionSnapshot(url.isPresent() ? ConnectionState.DISCONNECTED : ConnectionState.DISABLED, 0,
                maxAttempts, Optional.empty(), url, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), 0);
    }

    /** "connecting (attempt 3/10)" and the like, for people. */
    public String describe() {
        return switch (state) {
            case CONNECTING, RECONNECTING, SUSPENDED -> state.label() + " (attempt " + attempt + "/" + maxAttempts + ")";
            default -> state.label();
        };
    }
}
