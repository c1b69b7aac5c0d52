package dev.wok.protocol.upstream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wok.protocol.ErrorCode;
import dev.wok.protocol.Json;
import dev.wok.protocol.ProtocolException;
import dev.wok.protocol.RawJson;
import dev.wok.protocol.jsonlines.JsonLines;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Reads and writes {@link UpstreamMessage}s as the JSON text of one WebSocket frame; bodies stay exact. */
public final class UpstreamCodec {
    private UpstreamCodec() {}

    public static String encode(UpstreamMessage message) {
        ObjectNode json = Json.object();
        if (message instanceof UpstreamMessage.Hello h) {
            json.put("type", "hello").put("client", h.client()).put("acked", h.acked()).put("since", h.since());
            if (h.epoch() == null) {
                json.putNull("epoch");
            } else {
                json.put("epoch", h.epoch());
            }
            json.put("version", h.version()).put("protocol", h.protocol());
        } else if (message instanceof UpstreamMessage.Welcome w) {
            json.put("type", "welcome").put("epoch", w.epoch()).put("applied", w.applied()).put("head", w.head());
        } else if (message instanceof UpstreamMessage.Op o) {
            json.put("type", "op").put("seq", o.seq()).putRawValue(RawJson.BODY, RawJson.value(o.body()));
        } else if (message instanceof UpstreamMessage.Ack a) {
            json.put("type", "ack").put("upTo", a.upTo());
        } else if (message instanceof UpstreamMessage.Event e) {
            json.put("type", "event").put("seq", e.seq()).put("client", e.client()).put("cseq", e.cseq())
                    .putRawValue(RawJson.BODY, RawJson.value(e.body()));
        } else if (message instanceof UpstreamMessage.Sync s) {
            json.put("type", "sync").put("id", s.id());
        } else if (message instanceof UpstreamMessage.Synced s) {
            json.put("type", "synced").put("id", s.id()).put("head", s.head());
        } else if (message instanceof UpstreamMessage.Error e) {
            json.put("type", "error").put("code", e.code()).put("message", e.message());
        }
        try {
            return Json.treeWriter().writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static UpstreamMessage decode(String text) throws ProtocolException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        JsonNode json = JsonLines.parseUpstream(bytes, 0, bytes.length);
        String type = json.path("type").asText("");
        switch (type) {
            case "hello":
                JsonNode protocol = json.path("protocol");
                return new UpstreamMessage.Hello(text(json, "client"), number(json, "acked"), number(json, "since"),
                        json.path("epoch").isTextual() ? json.get("epoch").asText() : null, json.path("version").asText(""),
                        protocol.isMissingNode() ? UpstreamMessage.PROTOCOL : (int) number(json, "protocol"));
            case "welcome":
                return new UpstreamMessage.Welcome(text(json, "epoch"), number(json, "applied"), number(json, "head"));
            case "op":
                return new UpstreamMessage.Op(positive(json, "seq"), body(json, bytes));
            case "ack":
                return new UpstreamMessage.Ack(number(json, "upTo"));
            case "event":
                return new UpstreamMessage.Event(positive(json, "seq"), text(json, "client"), positive(json, "cseq"),
                        body(json, bytes));
            case "sync":
                return new UpstreamMessage.Sync(number(json, "id"));
            case "synced":
                return new UpstreamMessage.Synced(number(json, "id"), number(json, "head"));
            case "error":
                return new UpstreamMessage.Error(json.path("code").asText(""), json.path("message").asText(""));
            default:
                throw new ProtocolException(ErrorCode.INVALID_REQUEST, "unknown message type '" + type
                        + "': expected hello, welcome, op, ack, event, sync, synced or error");
        }
    }

    private static String text(JsonNode json, String field) throws ProtocolException {
        JsonNode value = json.path(field);
        if (!value.isTextual() || value.asText().isEmpty()) {
            throw new ProtocolException(ErrorCode.INVALID_PARAMS, "\"" + field + "\" must be a non-empty string");
        }
        return value.asText();
    }

    private static long number(JsonNode json, String field) throws ProtocolException {
        JsonNode value = json.path(field);
        if (!value.canConvertToLong() || !value.isIntegralNumber() || value.asLong() < 0) {
            throw new ProtocolException(ErrorCode.INVALID_PARAMS, "\"" + field + "\" must be a whole number ≥ 0");
        }
        return value.asLong();
    }

    private static long positive(JsonNode json, String field) throws ProtocolException {
        long value = number(json, field);
        if (value == 0) {
            throw new ProtocolException(ErrorCode.INVALID_PARAMS, "\"" + field + "\" must be ≥ 1");
        }
        return value;
    }

    /** The body's exact text; it must be a JSON object. */
    private static String body(JsonNode json, byte[] bytes) throws ProtocolException {
        if (!json.path(RawJson.BODY).isObject()) {
            throw new ProtocolException(ErrorCode.INVALID_PARAMS, "\"body\" must be a JSON object");
        }
        return RawJson.objectAt(bytes, 0, bytes.length, RawJson.BODY)
                .orElseThrow(() -> new ProtocolException(ErrorCode.INVALID_PARAMS, "\"body\" must be a JSON object"));
    }
}
