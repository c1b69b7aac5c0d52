package dev.wok.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wok.protocol.config.HeartbeatPolicy;
import dev.wok.protocol.config.RetryPolicy;
import dev.wok.protocol.config.UpstreamConfig;
import dev.wok.protocol.config.WokConfig;
import dev.wok.daemon.lifecycle.Daemon;
import dev.wok.daemon.lifecycle.DaemonSettings;
import dev.wok.protocol.Json;
import dev.wok.protocol.Methods;
import dev.wok.protocol.client.WokClient;
import dev.wok.protocol.paths.Platform;
import dev.wok.protocol.paths.WokPaths;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A healthy daemon stays connected to a relay however quiet it is: the relay pings it when it hears
 * nothing, and closes only a connection that answers nothing. (The relay used to close every idle daemon
 * every 90 s: its idle timer never saw the pings Netty answered for it.)
 */
@Timeout(120)
class RelayKeepsIdleDaemonsTest {
    @TempDir
    Path home;

    @TempDir
    Path relayData;

    Daemon daemon;
    RelayProcess relay;

    @AfterEach
    void stop() throws Exception {
        if (daemon != null) {
            daemon.stop();
        }
        if (relay != null) {
            relay.close();
        }
    }

    private JsonNode status() throws Exception {
        try (WokClient client = WokClient.connect(daemon.paths().socket(), Duration.ofSeconds(2))) {
            return client.call(Methods.STATUS, Json.object(), Duration.ofSeconds(5));
        }
    }

    @Test
    void a_daemon_with_default_heartbeats_is_not_dropped_by_a_relay_with_a_shorter_idle_limit() throws Exception {
        relay = RelayProcess.start(relayData, 0, null, "--idle-timeout", "1s");
        UpstreamConfig upstream = new UpstreamConfig(Optional.of(URI.create(relay.url())), Optional.empty(), Optional.empty(),
                new RetryPolicy(Duration.ofMillis(100), 2.0, Duration.ofSeconds(1), 10, Duration.ofSeconds(5)),
                HeartbeatPolicy.DEFAULTS);
        WokPaths paths = WokPaths.resolve(Map.of("WOK_HOME", home.toString()), Platform.current());
        daemon = Daemon.start(DaemonSettings.defaults(paths).withConfig(new WokConfig(upstream, true)));
        await().atMost(Duration.ofSeconds(15)).until(() -> status().path("state").asText().equals("connected"));
        String since = status().path("connected_since").asText();

        await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10)).until(() -> {
            JsonNode now = status();
            return now.path("state").asText().equals("connected") && now.path("connected_since").asText().equals(since);
        });
        assertThat(relay.log()).as("the relay's log").doesNotContain("closing a connection that sent nothing");
    }
}
