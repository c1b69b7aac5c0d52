package dev.wok.protocol.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
 * @param connectedSince when the current connection was made (ISO-8601, as the daemon wrote it)
 * @param lastHeartbeatAt when the last pong arrived on the current connection, {@code rttMs} its round trip
 * @param lastError why the last attempt or connection failed
 */
public record ConnectionStatus(ConnectionState state, String detail, int attempt, int maxAttempts,
                               OptionalLong nextRetryInMs, Optional<String> upstreamUrl, Optional<String> connectedSince,
                               Optional<String> lastHeartbeatAt, OptionalDouble rttMs, Optional<String> lastError) {

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
        Fields.put(out, "connected_since", connectedSince);
        Fields.put(out, "last_heartbeat_at", lastHeartbeatAt);
        if (rttMs.isPresent()) {
            out.put("rtt_ms", rttMs.getAsDouble());
        } else {
            out.putNull("rtt_ms");
        }
        Fields.put(out, "last_error", lastError);
    }

    public static ConnectionStatus readFrom(JsonNode in) {
        return readFrom(FieldSource.of(in));
    }

    /** Reads the fields back; unknown states read as {@code disconnected} so an older client still works. */
    public static ConnectionStatus readFrom(FieldSource in) {
        String label = in.text("state", "");
        ConnectionState state = ConnectionState.ofLabel(label).orElse(ConnectionState.DISCONNECTED);
        return new ConnectionStatus(state, in.text("state_detail", label), (int) in.whole("attempt", 0),
                (int) in.whole("max_attempts", 0), in.whole("next_retry_in_ms"), in.text("upstream_url"),
                in.text("connected_since"), in.text("last_heartbeat_at"), in.number("rtt_ms"), in.text("last_error"));
    }
}
