package dev.wok.protocol.message;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.wok.protocol.Json;
import dev.wok.protocol.RawJson;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The streaming writer every answer goes through writes exactly the text the JSON-RPC tree would: clients
 * (and their golden files) cannot tell which one wokd used.
 */
class MessageJsonTest {
    @Test
    void every_kind_of_message_is_written_as_its_tree_serialises() throws Exception {
        ObjectNode result = (ObjectNode) Json.mapper().readTree("{\"state\":\"connected\",\"n\":[1,2.5,null,true],"
                + "\"text\":\"é \\\"quoted\\\" \\u0001\",\"nested\":{\"a\":{}}}");
        ObjectNode entry = Json.object();
        entry.put("seq", 7);
        entry.putRawValue(RawJson.BODY, RawJson.value("{ \"kept\" : [1,  2] }"));
        ObjectNode data = Json.object();
        data.put("retry_in_ms", 100);
        List<Message> messages = List.of(
                new Response(LongNode.valueOf(1), result),
                new Response(TextNode.valueOf("a-string-id"), Json.object()),
                new Response(NullNode.getInstance(), result),
                new ErrorReply(LongNode.valueOf(2), -32601, "unknown method 'nope'", data),
                new Event(LongNode.valueOf(3), entry),
                new Request(LongNode.valueOf(4), "ping", null),
                new Request(LongNode.valueOf(5), "push", result));

        for (Message message : messages) {
            ByteArrayOutputStream streamed = new ByteArrayOutputStream();
            MessageJson.write(message, streamed);

            assertThat(streamed.toString(StandardCharsets.UTF_8)).as(message.toString())
                    .isEqualTo(Json.treeWriter().writeValueAsString(MessageJson.toJson(message)));
        }
    }

    @Test
    void an_event_keeps_a_raw_body_byte_for_byte_and_the_request_id_first() throws Exception {
        ObjectNode entry = Json.object();
        entry.putRawValue(RawJson.BODY, RawJson.value("{ \"kept\" : [1,  2] }"));
        ByteArrayOutputStream streamed = new ByteArrayOutputStream();

        MessageJson.write(new Event(LongNode.valueOf(9), entry), streamed);

        JsonNode written = Json.mapper().readTree(streamed.toByteArray());
        assertThat(written.path("params").fieldNames()).toIterable().first().isEqualTo("id");
        assertThat(streamed.toString(StandardCharsets.UTF_8))
                .isEqualTo("{\"jsonrpc\":\"2.0\",\"method\":\"event\",\"params\":{\"id\":9,\"body\":{ \"kept\" : [1,  2] }}}");
    }
}
