package dev.wok.protocol.message;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wok.protocol.Json;
import java.util.Objects;

/** A call: {@code {"id":1,"method":"status","params":{}}}. Params are always an object, empty when absent. */
public record Request(JsonNode id, String method, ObjectNode params) implements Message {
    public Request {
        id = id == null ? NullNode.getInstance() : id;
        Objects.requireNonNull(method, "method");
        params = params == null ? Json.object() : params;
    }

}
