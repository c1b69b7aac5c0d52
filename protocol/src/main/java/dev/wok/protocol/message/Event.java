package dev.wok.protocol.message;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wok.protocol.Json;

/**
 * One item of a streaming answer: {@code {"jsonrpc":"2.0","method":"event","params":{"id":<request id>,...}}}.
 * The stream ends with the request's normal response.
 */
public record Event(JsonNode id, ObjectNode body) implements Message {
    public static final String METHOD = "event";

    public Event {
        id = id == null ? NullNode.getInstance() : id;
        body = body == null ? Json.object() : body;
    }

}
