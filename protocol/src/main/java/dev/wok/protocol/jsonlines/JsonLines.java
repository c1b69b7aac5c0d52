package dev.wok.protocol.jsonlines;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.wok.protocol.ErrorCode;
import dev.wok.protocol.Json;
import dev.wok.protocol.ProtocolException;
import dev.wok.protocol.message.Message;
import dev.wok.protocol.message.MessageJson;
import dev.wok.protocol.message.Request;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The JSON-lines framing: one UTF-8 JSON object per line, {@code \n}-terminated ({@code \r\n} accepted).
 * Line splitting is the transport's job; this class turns one line (without its terminator) into a
 * message and a message into one terminated line.
 */
public final class JsonLines {
    /** Default longest line a peer may send, terminator excluded. */
    public static final int DEFAULT_MAX_LINE_BYTES = 1 << 20;

    private JsonLines() {}

    public static Request decodeRequest(byte[] line, int offset, int length) throws ProtocolException {
        return MessageJson.toRequest(parseRequest(line, offset, length), line, offset, length);
    }

    /** The message as one line, terminator included. */
    public static byte[] encode(Message message) {
        byte[] json = MessageJson.bytes(message);
        byte[] line = Arrays.copyOf(json, json.length + 1);
        line[json.length] = '\n';
        return line;
    }

    public static String encodeToString(Message message) {
        return new String(encode(message), StandardCharsets.UTF_8);
    }

    /** Parses one JSON document, turning every Jackson complaint into a message a person can act on. */
    public static JsonNode parse(byte[] bytes, int offset, int length) throws ProtocolException {
        return parse(Json.mapper(), bytes, offset, length);
    }

    /** Parses a client's request: as {@link #parse}, within {@link Json#MAX_REQUEST_TOKENS} tokens. */
    public static JsonNode parseRequest(byte[] bytes, int offset, int length) throws ProtocolException {
        return parse(Json.requestMapper(), bytes, offset, length);
    }

    /** Parses a message from the other end of the upstream connection, within {@link Json#MAX_UPSTREAM_TOKENS}. */
    public static JsonNode parseUpstream(byte[] bytes, int offset, int length) throws ProtocolException {
        return parse(Json.upstreamMapper(), bytes, offset, length);
    }

    private static JsonNode parse(com.fasterxml.jackson.databind.ObjectMapper mapper, byte[] bytes, int offset, int length)
            throws ProtocolException {
        int end = offset + length;
        if (end > offset && bytes[end - 1] == '\r') {
            end--;
        }
        try {
            JsonNode node = mapper.readTree(bytes, offset, end - offset);
            if (node == null || node.isMissingNode()) {
                throw new ProtocolException(ErrorCode.PARSE_ERROR, "empty message: send one JSON object per line");
            }
            return node;
        } catch (StreamConstraintsException e) {
            throw new ProtocolException(ErrorCode.PARSE_ERROR, "JSON over wok's limits: "
                    + e.getOriginalMessage() + " (limits: nesting depth " + Json.MAX_NESTING_DEPTH
                    + ", number length " + Json.MAX_NUMBER_LENGTH + ", " + Json.MAX_REQUEST_TOKENS
                    + " tokens in a request, " + Json.MAX_UPSTREAM_TOKENS + " in an upstream message);"
                    + " send a smaller or flatter message");
        } catch (JsonProcessingException e) {
            throw new ProtocolException(ErrorCode.PARSE_ERROR, "malformed JSON: " + firstLine(e.getOriginalMessage())
                    + where(e.getLocation()) + "; send one JSON object per line");
        } catch (IOException e) {
            throw new ProtocolException(ErrorCode.PARSE_ERROR, "unreadable JSON: " + e.getMessage());
        }
    }

    private static String where(JsonLocation location) {
        return location == null || location.getColumnNr() < 0 ? "" : " at column " + location.getColumnNr();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unexpected input";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
