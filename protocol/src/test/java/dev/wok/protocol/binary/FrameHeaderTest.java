package dev.wok.protocol.binary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.LongNode;
import dev.wok.protocol.ErrorCode;
import dev.wok.protocol.Json;
import dev.wok.protocol.ProtocolException;
import dev.wok.protocol.message.ErrorReply;
import dev.wok.protocol.message.Event;
import dev.wok.protocol.message.Message;
import dev.wok.protocol.message.Request;
import dev.wok.protocol.message.Response;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class FrameHeaderTest {
    private static ByteBuffer header(int magic, int version, int kind, int id, int flags, int length) {
        ByteBuffer b = ByteBuffer.allocate(16);
        b.putShort((short) magic).put((byte) version).put((byte) kind).putInt(id).putInt(flags).putInt(length);
        return b.flip();
    }

    @Test
    void encodes_the_documented_layout_in_network_byte_order() {
        byte[] bytes = new FrameHeader(FrameKind.RESPONSE, 0x01020304L, true, 0x0A0B).toBytes();
        assertThat(bytes).containsExactly(0x00, 0x57, 1, 2, 1, 2, 3, 4, 0, 0, 0, 1, 0, 0, 0x0A, 0x0B);
    }

    @Test
    void decodes_what_it_encodes_including_ids_above_2_to_the_31() throws ProtocolException {
        FrameHeader original = new FrameHeader(FrameKind.EVENT, 0xFFFF_FFFEL, false, 42);
        FrameHeader decoded = FrameHeader.decode(ByteBuffer.wrap(original.toBytes()), 100);
        assertThat(decoded).isEqualTo(original);
    }

    @Test
    void bad_magic_is_refused() {
        assertThatThrownBy(() -> FrameHeader.decode(header(0x0058, 1, 1, 1, 0, 2), 100))
                .isInstanceOfSatisfying(ProtocolException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.BAD_FRAME);
                    assertThat(e.getMessage()).contains("magic 0x0058").contains("0x0057");
                });
    }

    @Test
    void unknown_version_is_refused() {
        assertThatThrownBy(() -> FrameHeader.decode(header(0x0057, 2, 1, 1, 0, 2), 100))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("version 2");
    }

    @Test
    void unknown_kind_is_refused() {
        assertThatThrownBy(() -> FrameHeader.decode(header(0x0057, 1, 9, 1, 0, 2), 100))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("kind 9");
    }

    @Test
    void reserved_flag_bits_are_refused() {
        assertThatThrownBy(() -> FrameHeader.decode(header(0x0057, 1, 1, 1, 0x80000001, 2), 100))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("reserved");
    }

    @Test
    void a_length_over_the_limit_is_refused_even_when_it_reads_as_negative() {
        assertThatThrownBy(() -> FrameHeader.decode(header(0x0057, 1, 1, 1, 0, 101), 100))
                .isInstanceOfSatisfying(ProtocolException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.MESSAGE_TOO_LARGE));
        assertThatThrownBy(() -> FrameHeader.decode(header(0x0057, 1, 1, 1, 0, 0xFFFFFFFF), Integer.MAX_VALUE))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("4294967295");
    }

    @Test
    void every_message_kind_survives_a_frame_round_trip() throws ProtocolException {
        var params = Json.object().put("since", 3);
        Message[] messages = {
            new Request(LongNode.valueOf(7), "log", params),
            new Response(LongNode.valueOf(7), Json.object().put("pong", true)),
            new Event(LongNode.valueOf(7), Json.object().put("state", "connected")),
            ErrorReply.of(LongNode.valueOf(7), ErrorCode.METHOD_NOT_FOUND, "unknown method 'x'"),
        };
        for (Message message : messages) {
            ByteBuffer frame = ByteBuffer.wrap(BinaryFrames.encode(message));
            FrameHeader header = FrameHeader.decode(frame, FrameHeader.DEFAULT_MAX_PAYLOAD);
            assertThat(header.kind()).isEqualTo(BinaryFrames.kindOf(message));
            assertThat(header.last()).isEqualTo(message.last());
            byte[] payload = new byte[header.payloadLength()];
            frame.get(payload);
            Message decoded = message instanceof Request
                    ? BinaryFrames.decodeRequest(header, payload, 0, payload.length)
                    : BinaryFrames.decodeReply(header, payload, 0, payload.length);
            assertThat(decoded).isEqualTo(message);
        }
    }

    @Test
    void the_header_id_wins_over_the_payload_id() throws ProtocolException {
        byte[] payload = "{\"id\":99,\"method\":\"ping\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Request request = BinaryFrames.decodeRequest(new FrameHeader(FrameKind.REQUEST, 5, true, payload.length),
                payload, 0, payload.length);
        assertThat(request.id().asLong()).isEqualTo(5);
    }
}
