package dev.wok.protocol.message;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wok.protocol.ErrorCode;
import dev.wok.protocol.Json;
import dev.wok.protocol.ProtocolException;
import java.util.Objects;
import java.util.Optional;

/**
 * A failed answer: {@code {"jsonrpc":"2.0","id":1,"error":{"code":-32601,"message":"...","data":{...}}}}.
 * {@code data.reason} holds the code's stable label so scripts need not memorise numbers.
 */
public record ErrorReply(JsonNode id, int code, String message, ObjectNode data) implements Message {
    public ErrorReply {
        id = id == null ? NullNode.getInstance() : id;
        Objects.requireNonNull(message, "message");
        data = data == null ? Json.object() : data;
    }

    public static ErrorReply of(JsonNode id, ErrorCode code, String message) {
        ObjectNode data = Json.object();
        data.put("reason", code.label());
        return new ErrorReply(id, code.code(), message, data);
    }

    public static ErrorReply of(ProtocolException e) {
        return of(e.requestId(), e.code(), e.getMessage());
    }


    public Optional<ErrorCode> errorCode() {
        return ErrorCode.of(code);
    }
}
