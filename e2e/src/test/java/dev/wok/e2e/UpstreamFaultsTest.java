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
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connector against a real relay process over loopback, with faults: killed, restarted, frozen,
 * an upgrade that never answers, a wrong token. Short retry and heartbeat settings keep it quick.
 */
@Timeout(180)
class UpstreamFaultsTest {
    private static final RetryPolicy FAST_RETRY =
            new RetryPolicy(Duration.ofMillis(100), 2.0, Duration.ofMillis(800), 10, Duration.ofSeconds(2));
    private static final HeartbeatPolicy FAST_HEARTBEAT = new HeartbeatPolicy(Duration.ofMillis(300), Duration.ofSeconds(3));

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

    private Daemon startDaemon(String url, Optional<String> token, RetryPolicy retry) throws Exception {
        return startDaemon(new UpstreamConfig(Optional.of(URI.create(url)), token, Optional.empty(), retry, FAST_HEARTBEAT));
    }

    private Daemon startDaemonWithTokenFile(String url, Path tokenFile) throws Exception {
        return startDaemon(new UpstreamConfig(Optional.of(URI.create(url)), Optional.empty(), Optional.of(tokenFile),
                FAST_RETRY, FAST_HEARTBEAT));
    }

    private Daemon startDaemon(UpstreamConfig upstream) throws Exception {
        WokPaths paths = WokPaths.resolve(Map.of("WOK_HOME", home.toString()), Platform.current());
        daemon = Daemon.start(DaemonSettings.defaults(paths).withConfig(new WokConfig(upstream, true)));
        return daemon;
    }

    private static Path secret(Path file, String token) throws IOException {
        Files.writeString(file, token + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private JsonNode status() throws Exception {
        try (WokClient client = WokClient.connect(daemon.paths().socket(), Duration.ofSeconds(2))) {
            return client.call(Methods.STATUS, Json.object(), Duration.ofSeconds(5));
        }
    }

    private String state() throws Exception {
        return status().path("state").asText();
    }

    @Test
    void connects_and_heartbeats() throws Exception {
        relay = RelayProcess.start(relayData, 0, null);
        startDaemon(relay.url(), Optional.empty(), FAST_RETRY);
        await().atMost(Duration.ofSeconds(15)).until(() -> state().equals("connected"));
        JsonNode status = status();
        assertThat(status.path("upstream_url").asText()).isEqualTo(relay.url());
        assertThat(status.path("connected_since").asText()).isNotBlank();
        await().atMost(Duration.ofSeconds(10)).until(() -> status().path("rtt_ms").isNumber());
        assertThat(status().path("last_heartbeat_at").asText()).isNotBlank();
    }

    @Test
    void wok_status_disconnect_and_connect_as_a_user_types_them() throws Exception {
        relay = RelayProcess.start(relayData, 0, null);
        startDaemon(relay.url(), Optional.empty(), FAST_RETRY);
        Map<String, String> env = Map.of("WOK_HOME", home.toString());
        await().atMost(Duration.ofSeconds(15)).until(() -> state().equals("connected"));
        CliRun status = CliRun.wok(env, "status");
        assertThat(status.out()).startsWith("● connected").contains("upstream  " + relay.url());

        CliRun disconnect = CliRun.wok(env, "disconnect");
        assertThat(disconnect.exitCode()).isZero();
        assertThat(disconnect.out()).as("the state after the request").startsWith("○ disconnected");
        await().atMost(Duration.ofSeconds(10)).until(() -> state().equals("disconnected"));
        assertThat(CliRun.wok(env, "status").out()).startsWith("○ disconnected");

        assertThat(CliRun.wok(env, "connect").exitCode()).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> state().equals("connected"));
    }

    @Test
    void wok_status_watch_prints_each_change_and_ends_when_wokd_stops() throws Exception {
        relay = RelayProcess.start(relayData, 0, null);
        startDaemon(relay.url(), Optional.empty(), FAST_RETRY);
        await().atMost(Duration.ofSeconds(15)).until(() -> state().equals("connected"));
        java.io.StringWriter out = new java.io.StringWriter();
        picocli.CommandLine wok = dev.wok.cli.WokMain.commandLine(Build.cliContext(Map.of("WOK_HOME", home.toString())));
        wok.setOut(new java.io.PrintWriter(out, true));
        java.util.concurrent.CompletableFuture<Integer> exit =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> wok.execute("status", "--watch"));
        await().atMost(Duration.ofSeconds(10)).until(() -> out.toString().lines().filter(l -> l.contains("● connected")).count() >= 2);
        relay.kill();
        await().atMost(Duration.ofSeconds(15)).until(() -> out.toString().contains("◐ reconnecting (attempt"));
        daemon.stop();
        daemon = null;
        assertThat(exit.get(15, java.util.concurrent.TimeUnit.SECONDS)).isZero();
        assertThat(out.toString()).contains("closed");
    }

    @Test
    void relay_killed_then_restarted_reconnects_with_growing_attempts() throws Exception {
        relay = RelayProcess.start(relayData, 0, null);
        int port = relay.port;
        startDaemon(relay.url(), Optional.empty(), FAST_RETRY);
        await().atMost(Duration.ofSeconds(15)).until(() -> state().equals("connected"));

        relay.kill();
        await().atMost(Duration.ofSeconds(15)).until(() -> status().path("attempt").asInt() >= 3);
        JsonNode down = status();
        assertThat(down.path("state").asText()).isEqualTo("reconnecting");
        assertThat(down.path("state_detail").asText()).matches("reconnecting \\(attempt \\d+/10\\)");
        assertThat(down.path("last_error").asText()).isNotBlank();

        relay = RelayProcess.start(relayData, port, null);
        await().atMost(Duration.ofSeconds(15)).until(() -> state().equals("connected"));
        assertThat(status().path("last_error").isNull()).isTrue();
    }

    @Test
    void a_frozen_relay_is_found_dead_by_the_heartbeat_and_rejoined_after_it_thaws() throws Exception {
        relay = RelayProcess.start(relayData, 0, null);
        startDaemon(relay.url(), Optional.empty(), FAST_RETRY);
        await().atMost(Duration.ofSeconds(15)).until(() -> state().equals("connected"));

        relay.signal("STOP");
        await().atMost(Duration.ofSeconds(15)).until(() -> !state().equals("connected"));
        assertThat(status().path("last_error").asText()).isNotBlank();

        relay.signal("CONT");
        await().atMost(Duration.ofSeconds(20)).until(() -> state().equals("connected"));
    }

    @Test
    void an_upgrade_that_never_answers_times_out_leaks_nothing_and_status_stays_instant() throws Exception {
        List<Socket> accepted = new CopyOnWriteArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                while (!silent.isClosed()) {
                    try {
                        accepted.add(silent.accept());
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            RetryPolicy slowTimeout = new RetryPolicy(Duration.ofMillis(100), 2.0, Duration.ofMillis(500), 10, Duration.ofSeconds(6));
            startDaemon("ws://127.0.0.1:" + silent.getLocalPort() + "/sync", Optional.empty(), slowTimeout);
            await().atMost(Duration.ofSeconds(10)).until(() -> !accepted.isEmpty());

            // While the upgrade hangs (6 s timeout), status answers: each call gives up after 2 s, so a status
            // that waited on the connection would fail here. (How fast it answers is a benchmark's job.)
            try (WokClient client = WokClient.connect(daemon.paths().socket(), Duration.ofSeconds(2))) {
                for (int i = 0; i < 20; i++) {
                    assertThat(client.call(Methods.STATUS, Json.object(), Duration.ofSeconds(2)).path("state").asText())
                            .isEqualTo("connecting");
                }
            }

            await().atMost(Duration.ofSeconds(15)).untilAsserted(
                    () -> assertThat(status().path("last_error").asText()).contains("upgrade not answered"));
            Socket first = accepted.get(0);
            first.setSoTimeout(10_000);
            assertThat(first.getInputStream().read(new byte[4096])).isPositive(); // the upgrade request
            int next;
            do {
                next = first.getInputStream().read(new byte[4096]);
            } while (next > 0);
            assertThat(next).as("the timed-out connection was closed by wokd").isEqualTo(-1);
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    @Test
    void a_wrong_token_fails_without_a_retry_storm() throws Exception {
        Path tokenFile = secret(Files.createTempFile(relayData.getParent(), "token", ""), "right-token");
        relay = RelayProcess.start(relayData, 0, tokenFile);
        startDaemon(relay.url(), Optional.of("wrong-token"), FAST_RETRY);
        await().atMost(Duration.ofSeconds(15)).until(() -> state().equals("failed"));
        assertThat(status().path("last_error").asText()).contains("401").contains("wok connect");
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> state().equals("failed"));
        Files.deleteIfExists(tokenFile);
    }

    @Test
    void the_token_file_is_read_afresh_so_fixing_it_and_connecting_recovers() throws Exception {
        Path relayToken = secret(Files.createTempFile(relayData.getParent(), "relay-token", ""), "right-token");
        relay = RelayProcess.start(relayData, 0, relayToken);
        Path ourToken = secret(home.resolve("token"), "stale-token");
        startDaemonWithTokenFile(relay.url(), ourToken);
        await().atMost(Duration.ofSeconds(15)).until(() -> state().equals("failed"));

        Files.writeString(ourToken, "right-token\n");
        assertThat(CliRun.wok(Map.of("WOK_HOME", home.toString()), "connect").exitCode()).isZero();
        await().atMost(Duration.ofSeconds(15)).until(() -> state().equals("connected"));
        Files.deleteIfExists(relayToken);
    }

    @Test
    void a_token_file_others_can_read_is_refused_with_the_fix() throws Exception {
        relay = RelayProcess.start(relayData, 0, null);
        Path ourToken = home.resolve("token");
        Files.writeString(ourToken, "t\n");
        Files.setPosixFilePermissions(ourToken, PosixFilePermissions.fromString("rw-r--r--"));
        startDaemonWithTokenFile(relay.url(), ourToken);
        await().atMost(Duration.ofSeconds(15)).until(() -> state().equals("failed"));
        assertThat(status().path("last_error").asText()).contains("readable by others").contains("chmod 600 " + ourToken);
    }

    @Test
    void wss_verifies_the_certificate_against_the_jdk_trust_store() throws Exception {
        Path keystore = relayData.resolve("self-signed.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-keyalg", "EC", "-alias", "relay", "-dname", "CN=localhost", "-validity", "1",
                "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", "changeit")
                .redirectErrorStream(true).start();
        keytool.getInputStream().readAllBytes();
        assertThat(keytool.waitFor()).isZero();
        java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(keystore)) {
            store.load(in, "changeit".toCharArray());
        }
        javax.net.ssl.KeyManagerFactory keys = javax.net.ssl.KeyManagerFactory.getInstance("PKIX");
        keys.init(store, "changeit".toCharArray());
        javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
        tls.init(keys.getKeyManagers(), null, null);
        try (javax.net.ssl.SSLServerSocket server = (javax.net.ssl.SSLServerSocket) tls.getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) server.accept()) {
                        socket.startHandshake();
                    } catch (IOException e) {
                        // the daemon refuses our certificate: expected
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            startDaemon("wss://localhost:" + server.getLocalPort() + "/sync", Optional.empty(), FAST_RETRY);
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                    assertThat(status().path("last_error").asText()).containsIgnoringCase("certification path"));
            assertThat(state()).isNotEqualTo("connected");
        }
    }

    @Test
    void watch_streams_every_change_to_every_subscriber() throws Exception {
        relay = RelayProcess.start(relayData, 0, null);
        startDaemon(relay.url(), Optional.empty(), FAST_RETRY);
        List<String> first = new CopyOnWriteArrayList<>();
        List<String> second = new CopyOnWriteArrayList<>();
        try (WokClient a = WokClient.connect(daemon.paths().socket(), Duration.ofSeconds(2));
             WokClient b = WokClient.connect(daemon.paths().socket(), Duration.ofSeconds(2))) {
            Thread watcherA = watch(a, first);
            Thread watcherB = watch(b, second);
            await().atMost(Duration.ofSeconds(15)).until(() -> first.contains("connected") && second.contains("connected"));
            relay.kill();
            await().atMost(Duration.ofSeconds(15)).until(() -> first.contains("reconnecting") && second.contains("reconnecting"));
            watcherA.interrupt();
            watcherB.interrupt();
        }
    }

    private static Thread watch(WokClient client, List<String> states) {
        Thread thread = new Thread(() -> {
            try {
                client.call(Methods.WATCH, Json.object(), Duration.ofMinutes(2),
                        event -> states.add(event.body().path("state").asText()));
            } catch (Exception e) {
                // ends when the test closes the client
            }
        });
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
