package dev.wok.protocol.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wok.protocol.Json;
import java.util.OptionalLong;

/**
 * The {@code status} result: the connection fields, the sync fields, then the daemon's own, in one flat
 * JSON object.
 *
 * @param rssBytes resident memory where the platform tells it (Linux)
 * @param transport the socket transport: epoll, kqueue or nio
 */
public record DaemonStatus(ConnectionStatus connection, SyncStatus sync, String version, long pid, String startedAt, long uptimeMs,
                           int clients, long heapUsedBytes, long heapMaxBytes, OptionalLong rssBytes, String socket,
                           String log, String transport) {

    public ObjectNode toJson() {
        ObjectNode out = Json.object();
        connection.writeTo(out);
        sync.writeTo(out);
        out.put("version", version);
        out.put("pid", pid);
        out.put("started_at", startedAt);
        out.put("uptime_ms", uptimeMs);
        out.put("clients", clients);
        out.put("heap_used_bytes", heapUsedBytes);
        out.put("heap_max_bytes", heapMaxBytes);
        Fields.put(out, "rss_bytes", rssBytes);
        out.put("socket", socket);
        out.put("log", log);
        out.put("transport", transport);
        return out;
    }

    public static DaemonStatus readFrom(JsonNode in) {
        return readFrom(FieldSource.of(in));
    }

    public static DaemonStatus readFrom(FieldSource in) {
        return new DaemonStatus(ConnectionStatus.readFrom(in), SyncStatus.readFrom(in), in.text("version", "?"),
                in.whole("pid", 0), in.text("started_at", ""), in.whole("uptime_ms", 0), (int) in.whole("clients", 0),
                in.whole("heap_used_bytes", 0), in.whole("heap_max_bytes", 0), in.whole("rss_bytes"), in.text("socket", ""),
                in.text("log", ""), in.text("transport", "?"));
    }
}
