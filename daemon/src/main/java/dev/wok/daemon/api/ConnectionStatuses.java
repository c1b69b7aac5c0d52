package dev.wok.daemon.api;

import dev.wok.daemon.upstream.ConnectionSnapshot;
import dev.wok.protocol.api.ConnectionStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/** The connector's snapshot in the reply shape, as of {@code now}. */
final class ConnectionStatuses {
    private ConnectionStatuses() {}

    static ConnectionStatus of(ConnectionSnapshot s, Instant now) {
        return new ConnectionStatus(s.state(), s.describe(), s.attempt(), s.maxAttempts(),
                s.nextRetryAt().map(at -> OptionalLong.of(Math.max(0, Duration.between(now, at).toMillis())))
                        .orElse(OptionalLong.empty()),
                s.url(), s.connectedSince().map(Instant::toString), s.lastHeartbeatAt().map(Instant::toString),
                s.lastRoundTrip().map(rtt -> OptionalDouble.of(rtt.toNanos() / 1e6)).orElse(OptionalDouble.empty()),
                s.lastError());
    }
}
