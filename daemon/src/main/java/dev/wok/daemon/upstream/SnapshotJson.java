package dev.wok.daemon.upstream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;

/** The connection snapshot as the members of {@code status} and of each {@code watch} event. */
public final class SnapshotJson {
    private SnapshotJson() {}

    public static void write(ConnectionSnapshot s, Instant now, ObjectNode out) {
        out.put("state", s.state().label());
        out.put("state_detail", s.describe());
        out.put("attempt", s.attempt());
        out.put("max_attempts", s.maxAttempts());
        if (s.nextRetryAt().isPresent()) {
            out.put("next_retry_in_ms", Math.max(0, Duration.between(now, s.nextRetryAt().get()).toMillis()));
        } else {
            out.putNull("next_retry_in_ms");
        }
        putOrNull(out, "upstream_url", s.url().orElse(null));
        putOrNull(out, "connected_since", s.connectedSince().map(Instant::toString).orElse(null));
        putOrNull(out, "last_heartbeat_at", s.lastHeartbeatAt().map(Instant::toString).orElse(null));
        if (s.lastRoundTrip().isPresent()) {
            out.put("rtt_ms", s.lastRoundTrip().get().toNanos() / 1e6);
        } else {
            out.putNull("rtt_ms");
        }
        putOrNull(out, "last_error", s.lastError().orElse(null));
    }

    private static void putOrNull(ObjectNode out, String name, String value) {
        if (value == null) {
            out.putNull(name);
        } else {
            out.put(name, value);
        }
    }
}
