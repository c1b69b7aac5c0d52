package dev.wok.protocol.binary;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wok.protocol.ErrorCode;
import dev.wok.protocol.ProtocolException;
import dev.wok.protocol.jsonlines.JsonLines;
import dev.wok.protocol.message.ErrorReply;
import dev.wok.protocol.message.Event;
import dev.wok.protocol.message.Message;
import dev.wok.protocol.message.MessageJson;
import dev.wok.protocol.message.Request;
import dev.wok.protocol.message.Response;
import java.nio.ByteBuffer;

/**
 * The binary-header framing: a {@link FrameHeader} then a UTF-8 JSON payload with the same members as
 * the JSON-lines message. The header's request id is authoritative; a payload's {@code id} is ignored.
 */
public final class BinaryFrames {
    private BinaryFrames() {}

    public static FrameKind kindOf(Message message) {
        if (message instanceof Request) {
            return FrameKind.REQUEST;
        } else if (message instanceof Response) {
            return FrameKind.RESPONSE;
        } else if (message instanceof Event) {
            return FrameKind.EVENT;
        }
        return FrameKind.ERROR;
    }

    /** Header id for a message: its numeric id, or 0 for answers to requests that had none. */
    public static long wireId(JsonNode id) {
        if (id != null && id.canConvertToLong()) {
            long value = id.asLong();
            if (value >= 0 && value <= FrameHeader.MAX_REQUEST_ID) {
                return value;
            }
        }
        return 0;
    }

    public static byte[] payload(Message message) {
        return MessageJson.bytes(message);
    }

    /** The whole frame, header and payload. */
    public static byte[] encode(Message message) {
        byte[] payload = payload(message);
        ByteBuffer frame = ByteBuffer.allocate(FrameHeader.LENGTH + payload.length);
        header(message, payload.length).encode(frame);
        frame.put(payload);
        return frame.array();
    }

    public static FrameHeader header(Message message, int payloadLength) {
        return new FrameHeader(kindOf(message), wireId(message.id()), message.last(), payloadLength);
    }

    /** A client's request frame; the header must say {@link FrameKind#REQUEST}. */
    public static Request decodeRequest(FrameHeader header, byte[] payload, int offset, int length)
            throws ProtocolException {
        LongNode id = LongNode.valueOf(header.requestId());
        if (header.kind() != FrameKind.REQUEST) {
            throw new ProtocolException(ErrorCode.BAD_FRAME,
                    "a client sends request frames (kind 1), got kind " + header.kind().wire(), id);
        }
        JsonNode json;
        try {
            json = JsonLines.parseRequest(payload, offset, length);
        } catch (ProtocolException e) {
            throw new ProtocolException(e.code(), e.getMessage(), id);
        }
        if (json.isObject()) {
            ((ObjectNode) json).set("id", id);
        }
        try {
            return MessageJson.toRequest(json, payload, offset, length);
        } catch (ProtocolException e) {
            // Whatever the payload, the frame named its request: the error answers that id.
            throw e.requestId().isNull() ? new ProtocolException(e.code(), e.getMessage(), id) : e;
        }
    }

    /** A daemon's answer frame: response, event or error. */
    public static Message decodeReply(FrameHeader header, byte[] payload, int offset, int length)
            throws ProtocolException {
        LongNode id = LongNode.valueOf(header.requestId());
        JsonNode json = payloadJson(payload, offset, length, id);
        Message reply = MessageJson.toReply(json, payload, offset, length);
        if (reply instanceof Response r) {
            return new Response(id, r.result());
        } else if (reply instanceof ErrorReply e) {
            return new ErrorReply(header.requestId() == 0 && e.id().isNull() ? e.id() : id, e.code(), e.message(), e.data());
        } else if (reply instanceof Event e) {
            return new Event(id, e.body());
        }
        return reply;
    }

    private static JsonNode payloadJson(byte[] payload, int offset, int length, JsonNode id) throws ProtocolException {
        try {
            return JsonLines.parse(payload, offset, length);
        } catch (ProtocolException e) {
            throw new ProtocolException(e.code(), e.getMessage(), id);
        }
    }
}
