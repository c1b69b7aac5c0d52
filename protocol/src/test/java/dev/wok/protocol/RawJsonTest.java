package dev.wok.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wok.protocol.binary.BinaryFrames;
import dev.wok.protocol.binary.FrameHeader;
import dev.wok.protocol.jsonlines.JsonLines;
import dev.wok.protocol.message.Event;
import dev.wok.protocol.message.Request;
import dev.wok.protocol.upstream.UpstreamCodec;
import dev.wok.protocol.upstream.UpstreamMessage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Bodies keep the exact text their author wrote, through every framing and back out. */
class RawJsonTest {
    static final String AWKWARD = "{\"n\":1e400, \"d\":1.00000000000000000000000000001,"
            + "\"big\":123456789012345678901234567890123,\"s\":\"\\ud800 lone\",\"e\":\"\\u00e9\",\"nested\":{\"a\":[1,{}]}}";

    @Test
    void a_request_body_read_from_a_json_line_is_written_back_byte_for_byte() throws Exception {
        byte[] line = ("{\"id\":1,\"method\":\"push\",\"params\":{\"body\":" + AWKWARD + "}}").getBytes(StandardCharsets.UTF_8);
        Request request = JsonLines.decodeRequest(line, 0, line.length);
        assertThat(RawJson.text(request.params().get("body"))).contains(AWKWARD);
        ObjectNode echoed = Json.object();
        echoed.set("body", request.params().get("body"));
        assertThat(Json.treeWriter().writeValueAsString(echoed)).isEqualTo("{\"body\":" + AWKWARD + "}");
    }

    @Test
    void a_request_body_read_from_a_binary_frame_is_kept_too() throws Exception {
        byte[] frame = BinaryFrames.encode(new Request(IntNode.valueOf(3), "push", (ObjectNode) Json.mapper()
                .readTree("{\"body\":{\"x\":1}}")));
        ByteBuffer buffer = ByteBuffer.wrap(frame);
        FrameHeader header = FrameHeader.decode(buffer.slice(0, FrameHeader.LENGTH), FrameHeader.DEFAULT_MAX_PAYLOAD);
        byte[] payload = ("{\"method\":\"push\",\"params\":{\"body\":" + AWKWARD + "}}").getBytes(StandardCharsets.UTF_8);
        Request request = BinaryFrames.decodeRequest(header, payload, 0, payload.length);
        assertThat(RawJson.text(request.params().get("body"))).contains(AWKWARD);
    }

    @Test
    void an_event_body_a_client_reads_is_kept_exactly() throws Exception {
        ObjectNode body = Json.object();
        body.putRawValue("body", RawJson.value(AWKWARD));
        byte[] frame = BinaryFrames.encode(new Event(IntNode.valueOf(9), body));
        FrameHeader header = FrameHeader.decode(ByteBuffer.wrap(frame, 0, FrameHeader.LENGTH), FrameHeader.DEFAULT_MAX_PAYLOAD);
        Event event = (Event) BinaryFrames.decodeReply(header, frame, FrameHeader.LENGTH, frame.length - FrameHeader.LENGTH);
        assertThat(RawJson.text(event.body().get("body"))).contains(AWKWARD);
    }

    @Test
    void upstream_ops_and_events_carry_bodies_exactly() throws Exception {
        String op = UpstreamCodec.encode(new UpstreamMessage.Op(5, AWKWARD));
        assertThat(op).isEqualTo("{\"type\":\"op\",\"seq\":5,\"body\":" + AWKWARD + "}");
        assertThat(((UpstreamMessage.Op) UpstreamCodec.decode(op)).body()).isEqualTo(AWKWARD);
        String event = UpstreamCodec.encode(new UpstreamMessage.Event(7, "c", 5, AWKWARD));
        assertThat(((UpstreamMessage.Event) UpstreamCodec.decode(event)).body()).isEqualTo(AWKWARD);
    }

    @Test
    void only_objects_are_captured() {
        byte[] doc = "{\"params\":{\"body\":[1,2]}}".getBytes(StandardCharsets.UTF_8);
        assertThat(RawJson.objectAt(doc, 0, doc.length, "params", "body")).isEmpty();
        assertThat(RawJson.objectAt(doc, 0, doc.length, "params")).contains("{\"body\":[1,2]}");
    }
}
