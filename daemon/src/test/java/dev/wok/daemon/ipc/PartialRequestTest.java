package dev.wok.daemon.ipc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wok.daemon.lifecycle.Daemon;
import dev.wok.daemon.testing.RawClient;
import dev.wok.daemon.testing.TestDaemon;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A request started and never finished does not hold its bytes (or the connection) for ever. */
class PartialRequestTest {
    private static final IpcLimits LIMITS = IpcLimits.DEFAULTS.withTimeouts(Duration.ofMillis(500), Duration.ofSeconds(60));

    @TempDir
    Path home;

    @Test
    void half_a_json_line_is_answered_with_the_reason_and_closed() throws Exception {
        try (Daemon daemon = TestDaemon.start(home, s -> s.withLimits(LIMITS));
             RawClient client = RawClient.connect(daemon.paths().socket())) {
            client.send("{\"id\":1,\"method\":\"ping\"}\n{\"id\":2,\"meth");
            assertThat(client.readJson().path("id").asInt()).isEqualTo(1);
            JsonNode error = client.readJson();
            assertThat(error.path("error").path("data").path("reason").asText()).isEqualTo("idle_timeout");
            assertThat(error.path("error").path("message").asText()).contains("unfinished").contains("newline");
            assertThat(client.awaitClosed()).isTrue();
        }
    }

    @Test
    void a_binary_frame_short_of_its_announced_length_is_answered_and_closed() throws Exception {
        try (Daemon daemon = TestDaemon.start(home, s -> s.withLimits(LIMITS));
             RawClient client = RawClient.connect(daemon.paths().socket())) {
            ByteBuffer header = ByteBuffer.allocate(16);
            new dev.wok.protocol.binary.FrameHeader(dev.wok.protocol.binary.FrameKind.REQUEST, 7, true, 1000).encode(header);
            client.send(header.array());
            client.send(new byte[10]);
            RawClient.Frame error = client.readFrame();
            assertThat(error.payload().path("error").path("data").path("reason").asText()).isEqualTo("idle_timeout");
            assertThat(client.awaitClosed()).isTrue();
        }
    }

    @Test
    void a_quiet_client_with_nothing_half_sent_stays_connected() throws Exception {
        try (Daemon daemon = TestDaemon.start(home, s -> s.withLimits(LIMITS));
             RawClient client = RawClient.connect(daemon.paths().socket());
             RawClient later = RawClient.connect(daemon.paths().socket())) {
            assertThat(client.send("{\"id\":1,\"method\":\"ping\"}\n").readJson().path("id").asInt()).isEqualTo(1);
            // A second client that half-sends a line is closed on the same timer; by then the first one has
            // been idle for longer than the timeout, with nothing pending, and must still be served.
            later.send("{\"id\":1,");
            assertThat(later.readJson().path("error").path("data").path("reason").asText()).isEqualTo("idle_timeout");
            assertThat(later.awaitClosed()).isTrue();
            assertThat(client.send("{\"id\":2,\"method\":\"ping\"}\n").readJson().path("id").asInt()).isEqualTo(2);
        }
    }
}
