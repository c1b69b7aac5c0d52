package dev.wok.daemon.ipc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wok.daemon.lifecycle.Daemon;
import dev.wok.daemon.testing.Frames;
import dev.wok.daemon.testing.RawClient;
import dev.wok.daemon.testing.TestDaemon;
import dev.wok.protocol.Json;
import dev.wok.protocol.Methods;
import dev.wok.protocol.WokVersion;
import dev.wok.protocol.binary.FrameKind;
import dev.wok.protocol.client.DaemonErrorException;
import dev.wok.protocol.client.WokClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Both framings against a real daemon on a real socket: answers, and the connection after bad input. */
class IpcFramingTest {
    @TempDir
    Path home;

    Daemon daemon;
    Path socket;

    @BeforeEach
    void start() throws Exception {
        daemon = TestDaemon.start(home, s -> s.withLimits(new IpcLimits(4096, 4096, Duration.ofSeconds(60))));
        socket = daemon.paths().socket();
    }

    @AfterEach
    void stop() {
        daemon.stop();
    }

    @Test
    void json_lines_status_answers_with_the_daemon_facts() throws Exception {
        try (RawClient client = RawClient.connect(socket)) {
            JsonNode reply = client.send("{\"id\":1,\"method\":\"status\"}\n").readJson();
            assertThat(reply.path("jsonrpc").asText()).isEqualTo("2.0");
            assertThat(reply.path("id").asInt()).isEqualTo(1);
            JsonNode status = reply.path("result");
            assertThat(status.path("state").asText()).isEqualTo("disabled");
            assertThat(status.path("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
            assertThat(status.path("version").asText()).isEqualTo(WokVersion.version());
            assertThat(status.path("clients").asInt()).isGreaterThanOrEqualTo(1);
            assertThat(status.path("socket").asText()).isEqualTo(socket.toString());
            assertThat(status.path("log").asText()).isEqualTo(home.resolve("wokd.log").toString());
            assertThat(status.path("heap_used_bytes").asLong()).isPositive();
            assertThat(status.path("uptime_ms").asLong()).isNotNegative();
        }
    }

    @Test
    void a_request_without_id_or_jsonrpc_still_gets_an_answer() throws Exception {
        try (RawClient client = RawClient.connect(socket)) {
            JsonNode reply = client.send("{\"method\":\"ping\"}\n").readJson();
            assertThat(reply.path("id").isNull()).isTrue();
            assertThat(reply.path("result").path("pong").asBoolean()).isTrue();
        }
    }

    @Test
    void binary_hello_round_trips_through_the_java_client() throws Exception {
        try (WokClient client = WokClient.connect(socket, Duration.ofSeconds(2))) {
            JsonNode hello = client.call(Methods.HELLO, Json.object().put("client", "test").put("version", "1"),
                    Duration.ofSeconds(5));
            assertThat(hello.path("protocol").asInt()).isEqualTo(WokVersion.PROTOCOL);
            assertThat(hello.path("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
            assertThat(hello.path("started_at").asText()).isNotBlank();
        }
    }

    @Test
    void binary_requests_multiplex_on_one_connection() throws Exception {
        try (RawClient client = RawClient.connect(socket)) {
            byte[] ping = Frames.request(11, "{\"method\":\"ping\"}");
            byte[] status = Frames.request(12, "{\"method\":\"status\"}");
            byte[] both = new byte[ping.length + status.length];
            System.arraycopy(ping, 0, both, 0, ping.length);
            System.arraycopy(status, 0, both, ping.length, status.length);
            client.send(both);
            java.util.Map<Long, JsonNode> answers = new java.util.HashMap<>();
            for (int i = 0; i < 2; i++) {
                RawClient.Frame frame = client.readFrame();
                answers.put(frame.header().requestId(), frame.payload());
            }
            assertThat(answers.get(11L).path("result").path("pong").asBoolean()).isTrue();
            assertThat(answers.get(12L).path("result").has("state")).isTrue();
        }
    }

    @Test
    void json_first_bytes_split_across_writes_are_waited_for() throws Exception {
        try (RawClient client = RawClient.connect(socket)) {
            client.send("  ");
            client.send("{\"id\":7,");
            client.send("\"method\":\"ping\"}");
            client.send("\n");
            assertThat(client.readJson().path("id").asInt()).isEqualTo(7);
        }
    }

    @Test
    void binary_first_bytes_split_across_writes_are_waited_for() throws Exception {
        byte[] frame = Frames.request(9, "{\"method\":\"ping\"}");
        try (RawClient client = RawClient.connect(socket)) {
            client.send(Arrays.copyOfRange(frame, 0, 1));
            client.send(Arrays.copyOfRange(frame, 1, 10));
            client.send(Arrays.copyOfRange(frame, 10, frame.length));
            RawClient.Frame reply = client.readFrame();
            assertThat(reply.header().kind()).isEqualTo(FrameKind.RESPONSE);
            assertThat(reply.header().requestId()).isEqualTo(9);
            assertThat(reply.header().last()).isTrue();
            assertThat(reply.payload().path("result").path("pong").asBoolean()).isTrue();
        }
    }

    @Test
    void garbage_first_bytes_get_one_json_error_line_then_close() throws Exception {
        try (RawClient client = RawClient.connect(socket)) {
            JsonNode reply = client.send("GET / HTTP/1.1\r\n\r\n").readJson();
            assertThat(reply.path("error").path("code").asInt()).isEqualTo(-32002);
            assertThat(reply.path("error").path("message").asText()).contains("JSON lines").contains("binary frames");
            assertThat(client.awaitClosed()).isTrue();
        }
    }

    @Test
    void malformed_json_is_answered_and_the_connection_stays_usable() throws Exception {
        try (RawClient client = RawClient.connect(socket)) {
            JsonNode error = client.send("{\"id\":1,\"method\":}\n").readJson();
            assertThat(error.path("error").path("code").asInt()).isEqualTo(-32700);
            assertThat(error.path("error").path("data").path("reason").asText()).isEqualTo("parse_error");
            JsonNode ok = client.send("{\"id\":2,\"method\":\"ping\"}\n").readJson();
            assertThat(ok.path("result").path("pong").asBoolean()).isTrue();
        }
    }

    @Test
    void blank_lines_are_ignored() throws Exception {
        try (RawClient client = RawClient.connect(socket)) {
            JsonNode ok = client.send("{\"id\":1,\"method\":\"ping\"}\n\n\r\n{\"id\":2,\"method\":\"ping\"}\n").readJson();
            assertThat(ok.path("id").asInt()).isEqualTo(1);
            assertThat(client.readJson().path("id").asInt()).isEqualTo(2);
        }
    }

    @Test
    void a_line_over_the_limit_is_refused_and_the_connection_closed() throws Exception {
        try (RawClient client = RawClient.connect(socket)) {
            client.send("{\"id\":1,\"method\":\"ping\",\"params\":{\"x\":\"" + "a".repeat(5000) + "\"}}\n");
            JsonNode error = client.readJson();
            assertThat(error.path("error").path("code").asInt()).isEqualTo(-32001);
            assertThat(error.path("error").path("message").asText()).contains("4096 bytes");
            assertThat(client.awaitClosed()).isTrue();
        }
        assertDaemonAnswers();
    }

    @Test
    void json_nested_thousands_deep_is_a_parse_error_not_a_crash() throws Exception {
        try (RawClient client = RawClient.connect(socket)) {
            String deep = "{\"id\":1,\"method\":\"ping\",\"params\":{\"a\":" + "[".repeat(1500) + "]".repeat(1500) + "}}\n";
            JsonNode error = client.send(deep).readJson();
            assertThat(error.path("error").path("code").asInt()).isEqualTo(-32700);
            assertThat(error.path("error").path("message").asText()).contains("nest");
            assertThat(client.send("{\"id\":2,\"method\":\"ping\"}\n").readJson().path("id").asInt()).isEqualTo(2);
        }
    }

    @Test
    void an_unknown_method_names_the_known_ones() throws Exception {
        try (RawClient client = RawClient.connect(socket)) {
            JsonNode error = client.send("{\"id\":2,\"method\":\"nope\"}\n").readJson();
            assertThat(error.path("id").asInt()).isEqualTo(2);
            assertThat(error.path("error").path("code").asInt()).isEqualTo(-32601);
            assertThat(error.path("error").path("message").asText()).contains("'nope'").contains("status");
        }
    }

    @Test
    void invalid_params_name_the_member_and_what_is_allowed() throws Exception {
        try (RawClient client = RawClient.connect(socket)) {
            JsonNode wrongType = client.send("{\"id\":1,\"method\":\"hello\",\"params\":{\"client\":5}}\n").readJson();
            assertThat(wrongType.path("error").path("code").asInt()).isEqualTo(-32602);
            assertThat(wrongType.path("error").path("message").asText()).contains("\"client\" must be a string");
            JsonNode unknown = client.send("{\"id\":2,\"method\":\"status\",\"params\":{\"verbose\":true}}\n").readJson();
            assertThat(unknown.path("error").path("code").asInt()).isEqualTo(-32602);
            assertThat(unknown.path("error").path("message").asText()).contains("verbose");
            JsonNode notObject = client.send("{\"id\":3,\"method\":\"ping\",\"params\":[]}\n").readJson();
            assertThat(notObject.path("error").path("code").asInt()).isEqualTo(-32602);
        }
    }

    @Test
    void the_java_client_surfaces_daemon_errors_with_their_code() throws Exception {
        try (WokClient client = WokClient.connect(socket, Duration.ofSeconds(2))) {
            org.assertj.core.api.Assertions.assertThatThrownBy(
                            () -> client.call("nope", Json.object(), Duration.ofSeconds(5)))
                    .isInstanceOfSatisfying(DaemonErrorException.class, e -> assertThat(e.code()).isEqualTo(-32601));
            assertThat(client.call(Methods.PING, Json.object(), Duration.ofSeconds(5)).path("pong").asBoolean()).isTrue();
        }
    }

    @Test
    void bad_magic_gets_an_error_frame_and_a_close() throws Exception {
        assertFatalFrame(Frames.rawHeader(0x0058, 1, 1, 3, 0, 2), -32003, "magic");
    }

    @Test
    void an_unknown_version_gets_an_error_frame_and_a_close() throws Exception {
        assertFatalFrame(Frames.rawHeader(0x0057, 7, 1, 3, 0, 2), -32003, "version 7");
    }

    @Test
    void reserved_bits_get_an_error_frame_and_a_close() throws Exception {
        assertFatalFrame(Frames.rawHeader(0x0057, 1, 1, 3, 0x10, 2), -32003, "reserved");
    }

    @Test
    void an_oversized_length_is_refused_from_the_header_alone() throws Exception {
        // No payload follows: the answer proves the daemon judged the length before waiting for (or allocating) it.
        assertFatalFrame(Frames.rawHeader(0x0057, 1, 1, 3, 0, 0x7FFF_FFFF), -32001, "over the maximum of 4096");
    }

    @Test
    void a_malformed_binary_payload_is_answered_and_the_connection_goes_on() throws Exception {
        try (RawClient client = RawClient.connect(socket)) {
            RawClient.Frame error = client.send(Frames.request(4, "{not json")).readFrame();
            assertThat(error.header().kind()).isEqualTo(FrameKind.ERROR);
            assertThat(error.header().requestId()).isEqualTo(4);
            assertThat(error.payload().path("error").path("code").asInt()).isEqualTo(-32700);
            RawClient.Frame ok = client.send(Frames.request(5, "{\"method\":\"ping\"}")).readFrame();
            assertThat(ok.header().kind()).isEqualTo(FrameKind.RESPONSE);
        }
    }

    @Test
    void an_error_always_answers_the_headers_request_id_even_for_a_payload_that_is_not_an_object() throws Exception {
        try (RawClient client = RawClient.connect(socket)) {
            for (String payload : java.util.List.of("[]", "\"ping\"", "null", "42", "{\"method\":7}")) {
                RawClient.Frame error = client.send(Frames.request(42, payload)).readFrame();
                assertThat(error.header().kind()).as(payload).isEqualTo(FrameKind.ERROR);
                assertThat(error.header().requestId()).as(payload).isEqualTo(42);
                assertThat(error.payload().path("id").asLong()).as(payload).isEqualTo(42);
                assertThat(error.payload().path("error").path("code").asInt()).as(payload).isEqualTo(-32600);
            }
        }
    }

    @Test
    void a_client_that_disconnects_mid_frame_or_mid_line_leaves_others_unaffected() throws Exception {
        int before = clients();
        try (RawClient half = RawClient.connect(socket)) {
            half.send(Arrays.copyOfRange(Frames.request(1, "{\"method\":\"ping\"}"), 0, 20));
        }
        try (RawClient halfLine = RawClient.connect(socket)) {
            halfLine.send("{\"id\":1,\"meth");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> clients() == before);
        assertDaemonAnswers();
    }

    @Test
    void a_silent_client_does_not_hold_up_others() throws Exception {
        try (RawClient silent = RawClient.connect(socket)) {
            assertDaemonAnswers();
            assertThat(silent.send("{\"id\":1,\"method\":\"ping\"}\n").readJson().path("id").asInt()).isEqualTo(1);
        }
    }

    private void assertFatalFrame(byte[] bytes, int code, String text) throws Exception {
        try (RawClient client = RawClient.connect(socket)) {
            RawClient.Frame error = client.send(bytes).readFrame();
            assertThat(error.header().kind()).isEqualTo(FrameKind.ERROR);
            assertThat(error.payload().path("error").path("code").asInt()).isEqualTo(code);
            assertThat(error.payload().path("error").path("message").asText()).contains(text);
            assertThat(client.awaitClosed()).isTrue();
        }
        assertDaemonAnswers();
    }

    private void assertDaemonAnswers() throws Exception {
        try (RawClient other = RawClient.connect(socket)) {
            assertThat(other.send("{\"id\":99,\"method\":\"ping\"}\n").readJson().path("result").path("pong").asBoolean())
                    .isTrue();
        }
    }

    private int clients() throws Exception {
        try (RawClient probe = RawClient.connect(socket)) {
            return probe.send("{\"method\":\"status\"}\n").readJson().path("result").path("clients").asInt() - 1;
        }
    }
}
