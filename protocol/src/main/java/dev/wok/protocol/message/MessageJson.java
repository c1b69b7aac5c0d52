package dev.wok.protocol.message;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wok.protocol.ErrorCode;
import dev.wok.protocol.Json;
import dev.wok.protocol.ProtocolException;
import dev.wok.protocol.RawJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;

/** Maps messages to and from their JSON-RPC 2.0 objects; shared by both framings. */
public final class MessageJson {
    private static final String VERSION = "2.0";

    private MessageJson() {}

    public static ObjectNode toJson(Message message) {
        ObjectNode json = Json.object();
        json.put("jsonrpc", VERSION);
        if (message instanceof Request r) {
            json.set("id", r.id());
            json.put("method", r.method());
            json.set("params", r.params());
        } else if (message instanceof Response r) {
            json.set("id", r.id());
            json.set("result", r.result());
        } else if (message instanceof ErrorReply e) {
            json.set("id", e.id());
            ObjectNode error = json.putObject("error");
            error.put("code", e.code());
            error.put("message", e.message());
            error.set("data", e.data());
        } else if (message instanceof Event e) {
            json.put("method", Event.METHOD);
            ObjectNode params = json.putObject("params");
            params.set("id", e.id());
            params.setAll(e.body());
        }
        return json;
    }

    /**
     * Writes the message's JSON-RPC 2.0 object to {@code out}, member by member with a streaming generator:
     * the same text as {@link #toJson} would serialise to, without building that envelope and without an
     * ObjectWriter per message (which was the top of wokd's profile at 100 clients). {@code out} is left open.
     */
    public static void write(Message message, OutputStream out) throws IOException {
        // One provider for the whole message: JsonGenerator.writeTree would make one for every member (each
        // with a serializer lookup), the largest share of what writing a small answer allocated.
        SerializerProvider serializers = Json.mapper().getSerializerProviderInstance();
        try (JsonGenerator json = Json.mapper().createGenerator(out)) {
            json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            json.writeStartObject();
            json.writeStringField("jsonrpc", VERSION);
            if (message instanceof Request r) {
                tree(json, serializers, "id", r.id());
                json.writeStringField("method", r.method());
                tree(json, serializers, "params", r.params());
            } else if (message instanceof Response r) {
                tree(json, serializers, "id", r.id());
                tree(json, serializers, "result", r.result());
            } else if (message instanceof ErrorReply e) {
                tree(json, serializers, "id", e.id());
                json.writeObjectFieldStart("error");
                json.writeNumberField("code", e.code());
                json.writeStringField("message", e.message());
                tree(json, serializers, "data", e.data());
                json.writeEndObject();
            } else if (message instanceof Event e) {
                json.writeStringField("method", Event.METHOD);
                json.writeObjectFieldStart("params");
                tree(json, serializers, "id", e.id());
                for (Iterator<Map.Entry<String, JsonNode>> fields = e.body().fields(); fields.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = fields.next();
                    if (!field.getKey().equals("id")) {
                        tree(json, serializers, field.getKey(), field.getValue());
                    }
                }
                json.writeEndObject();
            }
            json.writeEndObject();
        }
    }

    /** The message's JSON-RPC object as UTF-8 bytes: {@link #write} into a byte array, for the blocking client. */
    public static byte[] bytes(Message message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        try {
            write(message, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void tree(JsonGenerator json, SerializerProvider serializers, String name, JsonNode value)
            throws IOException {
        json.writeFieldName(name);
        if (value == null) {
            json.writeNull();
        } else {
            value.serialize(json, serializers);
        }
    }

    /**
     * Reads a request a client sent, from its document: an object {@code params.body} keeps its exact
     * text ({@link RawJson}).
     */
    public static Request toRequest(JsonNode json, byte[] doc, int offset, int length) throws ProtocolException {
        if (json.path("params").isObject()) {
            RawJson.keepBody((ObjectNode) json.get("params"), doc, offset, length, "params");
        }
        return toRequest(json);
    }

    /** Reads a request a client sent. The {@code jsonrpc} member is optional; if present it must be "2.0". */
    public static Request toRequest(JsonNode json) throws ProtocolException {
        if (!json.isObject()) {
            throw new ProtocolException(ErrorCode.INVALID_REQUEST,
                    "expected a JSON object like {\"id\":1,\"method\":\"ping\"}, got " + kind(json));
        }
        JsonNode id = json.path("id");
        if (id.isMissingNode()) {
            id = NullNode.getInstance();
        } else if (!(id.isNull() || id.isIntegralNumber() || id.isTextual())) {
            throw new ProtocolException(ErrorCode.INVALID_REQUEST,
                    "\"id\" must be a number, a string or null, got " + kind(id));
        }
        JsonNode version = json.path("jsonrpc");
        if (!version.isMissingNode() && !VERSION.equals(version.asText(null))) {
            throw new ProtocolException(ErrorCode.INVALID_REQUEST,
                    "\"jsonrpc\" must be \"2.0\" when present, got " + version, id);
        }
        JsonNode method = json.path("method");
        if (!method.isTextual() || method.asText().isEmpty()) {
            throw new ProtocolException(ErrorCode.INVALID_REQUEST,
                    "missing \"method\": send an object like {\"id\":1,\"method\":\"ping\"}", id);
        }
        JsonNode params = json.path("params");
        if (params.isMissingNode() || params.isNull()) {
            return new Request(id, method.asText(), null);
        }
        if (!params.isObject()) {
            throw new ProtocolException(ErrorCode.INVALID_PARAMS,
                    "\"params\" must be an object, got " + kind(params), id);
        }
        return new Request(id, method.asText(), (ObjectNode) params);
    }

    /** Reads what the daemon sent back, from its document: an event's object {@code body} keeps its exact text. */
    public static Message toReply(JsonNode json, byte[] doc, int offset, int length) throws ProtocolException {
        if (json.path("params").isObject()) {
            RawJson.keepBody((ObjectNode) json.get("params"), doc, offset, length, "params");
        }
        return toReply(json);
    }

    /** Reads what the daemon sent back: a response, an error or an event. */
    public static Message toReply(JsonNode json) throws ProtocolException {
        if (!json.isObject()) {
            throw new ProtocolException(ErrorCode.INVALID_REQUEST, "expected a JSON object, got " + kind(json));
        }
        if (Event.METHOD.equals(json.path("method").asText(null))) {
            JsonNode params = json.path("params");
            if (!params.isObject()) {
                throw new ProtocolException(ErrorCode.INVALID_REQUEST, "an event needs an object \"params\"");
            }
            ObjectNode body = ((ObjectNode) params).deepCopy();
            JsonNode id = body.remove("id");
            return new Event(id, body);
        }
        JsonNode id = json.path("id").isMissingNode() ? NullNode.getInstance() : json.get("id");
        JsonNode error = json.path("error");
        if (error.isObject()) {
            JsonNode data = error.path("data");
            return new ErrorReply(id, error.path("code").asInt(ErrorCode.INTERNAL_ERROR.code()),
                    error.path("message").asText(""), data.isObject() ? (ObjectNode) data : null);
        }
        if (json.has("result")) {
            return new Response(id, json.get("result"));
        }
        throw new ProtocolException(ErrorCode.INVALID_REQUEST, "a reply needs \"result\" or \"error\"");
    }

    static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
