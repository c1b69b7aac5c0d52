package dev.wok.daemon.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.wok.daemon.lifecycle.Daemon;
import dev.wok.daemon.testing.TestDaemon;
import dev.wok.protocol.Json;
import dev.wok.protocol.Methods;
import dev.wok.protocol.client.WokClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** health.json and the health line of a real daemon: after a state change, every period, and after a stop. */
@Timeout(60)
class HealthOfARunningDaemonTest {
    @TempDir
    Path home;

    @Test
    void health_json_follows_a_connection_change_at_once_and_says_stopped_after_a_stop() throws Exception {
        // A period of an hour: any change seen below was written because of the change.
        Daemon daemon = TestDaemon.start(home, settings -> settings.withHealthPeriod(Duration.ofHours(1)));
        Path health = daemon.paths().healthFile();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> state(health).equals("disabled"));
            JsonNode first = read(health);
            assertThat(first.path("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
            assertThat(first.path("socket").asText()).isEqualTo(daemon.paths().socket().toString());
            assertThat(first.path("heap_used_bytes").asLong()).isPositive();

            // An upstream where nothing listens: the connector leaves "disabled" and fails its attempts.
            Files.writeString(daemon.paths().configFile(), "[upstream]\nurl = \"ws://127.0.0.1:1/sync\"\n");
            try (WokClient client = WokClient.connect(daemon.paths().socket(), Duration.ofSeconds(2))) {
                client.call(Methods.RELOAD, Json.object(), Duration.ofSeconds(10));
            }
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> Set.of("connecting", "reconnecting").contains(state(health)));
        } finally {
            daemon.stop();
        }

        JsonNode last = read(health);
        assertThat(last.path("state").asText()).isEqualTo("stopped");
        assertThat(last.path("clients").asInt()).isZero();
        assertThat(last.path("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
    }

    @Test
    void a_health_line_is_logged_every_period() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(HealthMonitor.class);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        logger.addAppender(lines);
        try (Daemon daemon = TestDaemon.start(home, settings -> settings.withHealthPeriod(Duration.ofMillis(100)))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> lines.list.size() >= 2);
        } finally {
            logger.detachAppender(lines);
        }
        assertThat(lines.list.get(0).getFormattedMessage())
                .matches("health: state disabled, pending 0, clients 0, heap [0-9.]+ MiB of [0-9.]+ MiB, rss [0-9.]+ MiB");
    }

    private static String state(Path health) {
        try {
            return read(health).path("state").asText();
        } catch (IOException e) {
            return "unreadable: " + e.getMessage();
        }
    }

    private static JsonNode read(Path health) throws IOException {
        return Json.mapper().readTree(health.toFile());
    }
}
