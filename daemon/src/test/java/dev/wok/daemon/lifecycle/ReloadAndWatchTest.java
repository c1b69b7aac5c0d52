package dev.wok.daemon.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wok.daemon.testing.TestDaemon;
import dev.wok.protocol.Json;
import dev.wok.protocol.Methods;
import dev.wok.protocol.client.DaemonErrorException;
import dev.wok.protocol.client.WokClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code reload} and {@code watch} on a real daemon: a reload is a message to the connector, not a new one. */
@Timeout(60)
class ReloadAndWatchTest {
    private static final Duration CALL = Duration.ofSeconds(10);

    @TempDir
    Path home;

    private JsonNode call(Daemon daemon, String method) throws Exception {
        try (WokClient client = WokClient.connect(daemon.paths().socket(), Duration.ofSeconds(2))) {
            return client.call(method, Json.object(), CALL);
        }
    }

    @Test
    void reload_applies_a_new_upstream_and_answers_with_it() throws Exception {
        try (Daemon daemon = TestDaemon.start(home)) {
            assertThat(call(daemon, Methods.STATUS).path("state").asText()).isEqualTo("disabled");
            Files.writeString(daemon.paths().configFile(), "[upstream]\nurl = \"ws://127.0.0.1:1/sync\"\n");
            JsonNode reloaded = call(daemon, Methods.RELOAD);
            assertThat(reloaded.path("reloaded").asText()).isEqualTo(daemon.paths().configFile().toString());
            assertThat(reloaded.path("upstream_url").asText()).isEqualTo("ws://127.0.0.1:1/sync");
            assertThat(call(daemon, Methods.STATUS).path("upstream_url").asText()).isEqualTo("ws://127.0.0.1:1/sync");
        }
    }

    @Test
    void a_bad_config_is_refused_with_its_reason_and_the_running_one_kept() throws Exception {
        try (Daemon daemon = TestDaemon.start(home)) {
            Files.writeString(daemon.paths().configFile(), "[upstream]\nurl = \"ws://127.0.0.1:1/sync\"\n");
            call(daemon, Methods.RELOAD);
            Files.writeString(daemon.paths().configFile(), "[upstream]\nurll = \"ws://elsewhere/sync\"\n");
            assertThatThrownBy(() -> call(daemon, Methods.RELOAD))
                    .isInstanceOfSatisfying(DaemonErrorException.class, e -> {
                        assertThat(e.data().path("reason").asText()).isEqualTo("bad_config");
                        assertThat(e.getMessage()).contains("kept the running configuration")
                                .contains("unknown key 'upstream.urll'").contains(daemon.paths().configFile().toString());
                    });
            assertThat(call(daemon, Methods.STATUS).path("upstream_url").asText()).isEqualTo("ws://127.0.0.1:1/sync");
        }
    }

    @Test
    void a_watch_stream_survives_reloads_and_ends_with_a_stopping_event_when_wokd_stops() throws Exception {
        Daemon daemon = TestDaemon.start(home);
        List<JsonNode> events = new CopyOnWriteArrayList<>();
        WokClient watcher = WokClient.connect(daemon.paths().socket(), Duration.ofSeconds(2));
        CompletableFuture<JsonNode> end = CompletableFuture.supplyAsync(() -> {
            try {
                return watcher.call(Methods.WATCH, Json.object(), Duration.ofMinutes(1), e -> events.add(e.body()));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 1);
        assertThat(events.get(0).path("kind").asText()).isEqualTo("connection");
        assertThat(events.get(0).path("state").asText()).isEqualTo("disabled");

        Files.writeString(daemon.paths().configFile(), "[upstream]\nurl = \"ws://127.0.0.1:1/sync\"\n");
        call(daemon, Methods.RELOAD);
        Files.writeString(daemon.paths().configFile(), "[upstream]\nurl = \"ws://127.0.0.1:2/sync\"\n");
        call(daemon, Methods.RELOAD);
        await().atMost(Duration.ofSeconds(10)).until(() -> events.stream()
                .anyMatch(e -> e.path("upstream_url").asText().equals("ws://127.0.0.1:2/sync")));
        assertThat(end).as("reloads do not end the stream").isNotDone();
        assertThat(events).noneMatch(e -> e.path("state").asText().equals("closed"));

        daemon.stop();
        JsonNode result = end.get(10, TimeUnit.SECONDS);
        assertThat(result.path("ended").asText()).isEqualTo("stopping");
        JsonNode last = events.get(events.size() - 1);
        assertThat(last.path("kind").asText()).isEqualTo("stopping");
        watcher.close();
    }
}
