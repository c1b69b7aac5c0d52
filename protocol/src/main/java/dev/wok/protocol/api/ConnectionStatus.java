package dev.wok.protocol.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * The connection fields of {@code status}, {@code connect}, {@code disconnect}, {@code reload} and each
 * {@code watch} event: written by wokd, read by wok, one shape for both.
 *
 * @param detail the state as a person reads it: "connecting (attempt 3/10)"
 * @param attempt consecutive attempts since the last stable connection (0 when connected or idle)
 * @param nextRetryInMs while waiting to retry, how long until the next attempt
 * @param upstreamUrl the upstream, credentials redacted
 * @param connectedSince when the current connection was made
 * @param lastHeartbeatAt when the last pong arrived on the current connection, {@code rttMs} its round trip
 * @param lastError why the last attempt or connection failed
 */
public record ConnectionStatus(ConnectionState state, String detail, int attempt, int maxAttempts,
                               OptionalLong nextRetryInMs, Optional<String> upstreamUrl, Optional<Instant> connectedSince,
                               Optional<Instant> lastHeartbeatAt, OptionalDouble rttMs, Optional<String> lastError) {

    public void writeTo(ObjectNode out) {
        out.put("state", state.label());
        out.put("state_detail", detail);
        out.put("attempt", attempt);
        out.put("max_attempts", maxAttempts);
        if (nextRetryInMs.isPresent()) {
            out.put("next_retry_in_ms", nextRetryInMs.getAsLong());
        } else {
            out.putNull("next_retry_in_ms");
        }
        Fields.put(out, "upstream_url", upstreamUrl);
        Fields.put(out, "connected_since", connectedSince.map(Instant::toString));
        Fields.put(out, "last_heartbeat_at", lastHeartbeatAt.map(Instant::toString));
        if (rttMs.isPresent()) {
            out.put("rtt_ms", rttMs.getAsDouble());
        } else {
            out.putNull("rtt_ms");
        }
        Fields.put(out, "last_error", lastError);
    }

    /** Reads the fields back; unknown states read as {@code disconnected} so an older client still works. */
    public static ConnectionStatus readFrom(JsonNode in) {
        String label = in.path("state").asText("");
        ConnectionState state = ConnectionState.ofLabel(label).orElse(ConnectionState.DISCONNECTED);
        return new ConnectionStatus(state, in.path("state_detail").asText(label), in.path("attempt").asInt(),
                in.path("max_attempts").asInt(), Fields.optionalLong(in, "next_retry_in_ms"), Fields.text(in, "upstream_url"),
                instant(in, "connected_since"), instant(in, "last_heartbeat_at"),
                in.path("rtt_ms").isNumber() ? OptionalDouble.of(in.path("rtt_ms").asDouble()) : OptionalDouble.empty(),
                Fields.text(in, "last_error"));
    }

    private static Optional<Instant> instant(JsonNode in, String name) {
        try {
            return Fields.text(in, name).map(Instant::parse);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
