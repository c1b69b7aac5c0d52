package dev.wok.daemon.ipc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wok.daemon.lifecycle.Daemon;
import dev.wok.daemon.testing.RawClient;
import dev.wok.daemon.testing.TestDaemon;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdleClientTest {
    @TempDir
    Path home;

    @Test
    void a_client_silent_past_the_first_bytes_timeout_is_told_and_closed() throws Exception {
        IpcLimits limits = new IpcLimits(4096, 4096, Duration.ofMillis(500));
        try (Daemon daemon = TestDaemon.start(home, s -> s.withLimits(limits));
             RawClient silent = RawClient.connect(daemon.paths().socket())) {
            JsonNode error = silent.readJson();
            assertThat(error.path("error").path("data").path("reason").asText()).isEqualTo("idle_timeout");
            assertThat(error.path("error").path("message").asText()).contains("500 ms");
            assertThat(silent.awaitClosed()).isTrue();
        }
    }

    @Test
    void the_timeout_stops_once_the_framing_is_known() throws Exception {
        // Long enough that a loaded machine sends the first ping well inside it.
        IpcLimits limits = new IpcLimits(4096, 4096, Duration.ofSeconds(2));
        try (Daemon daemon = TestDaemon.start(home, s -> s.withLimits(limits));
             RawClient client = RawClient.connect(daemon.paths().socket())) {
            assertThat(client.send("{\"id\":1,\"method\":\"ping\"}\n").readJson().path("id").asInt()).isEqualTo(1);
            // Wait on the daemon's own clock: a second client outlives the first one's timeout window.
            try (RawClient later = RawClient.connect(daemon.paths().socket())) {
                assertThat(later.readJson().path("error").path("data").path("reason").asText()).isEqualTo("idle_timeout");
            }
            assertThat(client.send("{\"id\":2,\"method\":\"ping\"}\n").readJson().path("id").asInt()).isEqualTo(2);
        }
    }
}
