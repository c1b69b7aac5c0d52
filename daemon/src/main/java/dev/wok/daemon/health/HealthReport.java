package dev.wok.daemon.health;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wok.protocol.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One look at the daemon's health, as {@code health.json} holds it and the minute's log line says it.
 * The README's "health.json" section documents each field; keep the two in step.
 *
 * @param state the connection state ("connected", "reconnecting", ...), or "stopped" once wokd stopped
 * @param detail the state for people: "connecting (attempt 3/10)"
 */
public record HealthReport(Instant writtenAt, String state, String detail, Optional<String> lastError, long pending,
                           Optional<Instant> oldestPendingAt, int clients, long heapUsedBytes, long heapMaxBytes,
                           OptionalLong rssBytes, long pid, String version, Instant startedAt, Path socket, Path log) {
    public static final String STOPPED = "stopped";

    public HealthReport stopped(Instant at) {
        return new HealthReport(at, STOPPED, STOPPED, lastError, pending, oldestPendingAt, 0, heapUsedBytes, heapMaxBytes,
                rssBytes, pid, version, startedAt, socket, log);
    }

    public ObjectNode toJson() {
        ObjectNode json = Json.object();
        json.put("written_at", writtenAt.toString());
        json.put("state", state);
        json.put("detail", detail);
        putOptional(json, "last_error", lastError);
        json.put("pending", pending);
        putOptional(json, "oldest_pending_at", oldestPendingAt.map(Instant::toString));
        json.put("clients", clients);
        json.put("heap_used_bytes", heapUsedBytes);
        json.put("heap_max_bytes", heapMaxBytes);
        if (rssBytes.isPresent()) {
            json.put("rss_bytes", rssBytes.getAsLong());
        } else {
            json.putNull("rss_bytes");
        }
        json.put("pid", pid);
        json.put("version", version);
        json.put("started_at", startedAt.toString());
        json.put("uptime_ms", Duration.between(startedAt, writtenAt).toMillis());
        json.put("socket", socket.toString());
        json.put("log", log.toString());
        return json;
    }

    /** The minute's log line: state, pending, clients, heap, RSS. */
    public String logLine() {
        return String.format(Locale.ROOT, "health: state %s, pending %d, clients %d, heap %s of %s, rss %s%s", detail, pending,
                clients, mebibytes(heapUsedBytes), mebibytes(heapMaxBytes),
                rssBytes.isPresent() ? mebibytes(rssBytes.getAsLong()) : "unknown",
                lastError.map(error -> ", last error: " + error).orElse(""));
    }

    private static String mebibytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }

    private static void putOptional(ObjectNode json, String field, Optional<String> value) {
        if (value.isPresent()) {
            json.put(field, value.get());
        } else {
            json.putNull(field);
        }
    }
}
