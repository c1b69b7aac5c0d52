package dev.wok.protocol.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wok.protocol.Json;

/**
 * What {@code watch} streams: {@code {"kind":"connection", ...connection fields}} for the current state
 * and each change, and {@code {"kind":"stopping"}} once, when wokd stops; the request's response follows.
 */
public final class WatchEvents {
    public static final String KIND = "kind";
    public static final String CONNECTION = "connection";
    public static final String STOPPING = "stopping";

    private WatchEvents() {}

    public static ObjectNode connection(ConnectionStatus status) {
        ObjectNode event = Json.object();
        event.put(KIND, CONNECTION);
        status.writeTo(event);
        return event;
    }

    public static ObjectNode stopping() {
        ObjectNode event = Json.object();
        event.put(KIND, STOPPING);
        event.put("message", "wokd is stopping");
        return event;
    }

    public static boolean isStopping(JsonNode event) {
        return STOPPING.equals(event.path(KIND).asText());
    }
}
