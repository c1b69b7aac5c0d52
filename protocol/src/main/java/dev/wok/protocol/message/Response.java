package dev.wok.protocol.message;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;

/** A successful answer: {@code {"jsonrpc":"2.0","id":1,"result":{...}}}. */
public record Response(JsonNode id, JsonNode result) implements Message {
    public Response {
        id = id == null ? NullNode.getInstance() : id;
        result = result == null ? NullNode.getInstance() : result;
    }

}
