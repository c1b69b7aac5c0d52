package dev.wok.daemon.ipc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wok.daemon.lifecycle.Daemon;
import dev.wok.daemon.testing.RawClient;
import dev.wok.daemon.testing.TestDaemon;
import dev.wok.protocol.binary.FrameHeader;
import dev.wok.protocol.binary.FrameKind;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A request of legal size made of tiny values ({@code [{},{},…]}) used to become a tree that filled the
 * daemon's heap; now it is refused with the limit named, and the connection goes on.
 */
class RequestTokenBudgetTest {
    @TempDir
    Path home;

    @Test
    void a_json_line_of_too_many_tokens_is_refused_and_the_next_request_served() throws Exception {
        try (Daemon daemon = TestDaemon.start(home, s -> s);
             RawClient client = RawClient.connect(daemon.paths().socket())) {
            client.send(flood(150_000) + "\n");
            JsonNode error = client.readJson();
            assertThat(error.path("error").path("message").asText()).contains("200000 tokens");
            assertThat(client.send("{\"id\":2,\"method\":\"ping\"}\n").readJson().path("id").asInt()).isEqualTo(2);
        }
    }

    @Test
    void a_4_mib_binary_frame_of_empty_objects_is_refused_and_the_daemon_stays_up() throws Exception {
        try (Daemon daemon = TestDaemon.start(home, s -> s);
             RawClient client = RawClient.connect(daemon.paths().socket())) {
            byte[] payload = flood(1_400_000).getBytes(StandardCharsets.UTF_8);
            ByteBuffer header = ByteBuffer.allocate(FrameHeader.LENGTH);
            new FrameHeader(FrameKind.REQUEST, 9, true, payload.length).encode(header);
            client.send(header.array()).send(payload);
            RawClient.Frame error = client.readFrame();
            assertThat(error.header().requestId()).isEqualTo(9);
            assertThat(error.payload().path("error").path("message").asText()).contains("tokens");
            try (RawClient other = RawClient.connect(daemon.paths().socket())) {
                assertThat(other.send("{\"id\":1,\"method\":\"ping\"}\n").readJson().path("result").path("pong").asBoolean())
                        .isTrue();
            }
        }
    }

    /** {@code {"method":"ping","params":{"a":[{},{},…]}}} with {@code count} empty objects. */
    private static String flood(int count) {
        StringBuilder json = new StringBuilder(count * 3 + 64).append("{\"id\":1,\"method\":\"ping\",\"params\":{\"a\":[");
        for (int i = 0; i < count; i++) {
            json.append(i == 0 ? "{}" : ",{}");
        }
        return json.append("]}}").toString();
    }
}
