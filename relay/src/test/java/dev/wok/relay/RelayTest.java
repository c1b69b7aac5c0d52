package dev.wok.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wok.relay.server.RelayServer;
import dev.wok.relay.store.RelayStore;
import dev.wok.relay.store.Sequencer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RelayTest {
    @TempDir
    Path data;

    RelayStore store;
    Sequencer sequencer;
    RelayServer server;

    URI start(Optional<String> token) throws Exception {
        return start(token, RelayServer.DEFAULT_IDLE_LIMIT);
    }

    URI start(Optional<String> token, java.time.Duration idleLimit) throws Exception {
        store = RelayStore.open(data);
        sequencer = new Sequencer(store);
        server = RelayServer.bind(new InetSocketAddress("127.0.0.1", 0), sequencer, token, idleLimit);
        return URI.create("ws://127.0.0.1:" + server.address().getPort() + "/sync");
    }

    void stop() throws Exception {
        if (server != null) {
            server.close();
            sequencer.close();
            store.close();
            server = null;
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        stop();
    }

    private static String hello(String client, long acked, long since, String epoch) {
        return "{\"type\":\"hello\",\"client\":\"" + client + "\",\"acked\":" + acked + ",\"since\":" + since
                + ",\"epoch\":" + (epoch == null ? "null" : "\"" + epoch + "\"") + ",\"version\":\"test\"}";
    }

    private static String op(long seq, String text) {
        return "{\"type\":\"op\",\"seq\":" + seq + ",\"body\":{\"text\":\"" + text + "\"}}";
    }

    @Test
    void a_full_disk_fails_the_ops_with_the_reason_and_the_relay_recovers_when_space_returns() throws Exception {
        assumeThat(dev.wok.protocol.paths.CurrentUser.uid()).as("mounting a small file system needs root").isZero();
        Path small = Files.createDirectories(data.resolve("small"));
        assumeThat(run("mount", "-t", "tmpfs", "-o", "size=3m,mode=0700", "tmpfs", small.toString()))
                .as("mount -t tmpfs is allowed here").isZero();
        try {
            data = small.resolve("relay");
            URI uri = start(Optional.empty());
            String body = "x".repeat(60_000);
            try (WsClient a = WsClient.connect(uri, null)) {
                a.send(hello("a", 0, 0, null)).next("welcome");
                a.send(op(1, "fits")).next("ack");
                Path filler = small.resolve("filler");
                try (var out = Files.newOutputStream(filler)) {
                    byte[] block = new byte[64 * 1024];
                    while (true) {
                        out.write(block);
                    }
                } catch (java.io.IOException full) {
                    // the disk is full
                }
                a.send(op(2, body));
                JsonNode error = a.next("error");
                assertThat(error.path("code").asText()).isEqualTo("store_unavailable");
                assertThat(error.path("message").asText()).contains("full");
                assertThat(a.closeCode()).isEqualTo(1011);
                Files.delete(filler);
            }
            try (WsClient again = WsClient.connect(uri, null)) {
                JsonNode welcome = again.send(hello("a", 1, 0, null)).next("welcome");
                assertThat(welcome.path("applied").asLong()).as("op 2 was not stored").isEqualTo(1);
                assertThat(again.send(op(2, body)).next("ack").path("upTo").asLong()).isEqualTo(2);
            }
        } finally {
            stop();
            run("umount", "-l", small.toString());
        }
    }

    private static int run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) ? p.exitValue() : -1;
    }

    @Test
    void welcome_then_ops_are_stored_acked_and_fanned_out_to_everyone_in_order() throws Exception {
        URI uri = start(Optional.empty());
        try (WsClient a = WsClient.connect(uri, null); WsClient b = WsClient.connect(uri, null)) {
            JsonNode welcome = a.send(hello("a", 0, 0, null)).next();
            assertThat(welcome.path("type").asText()).isEqualTo("welcome");
            assertThat(welcome.path("applied").asLong()).isZero();
            assertThat(welcome.path("head").asLong()).isZero();
            assertThat(welcome.path("epoch").asText()).isEqualTo(store.epoch());
            b.send(hello("b", 0, 0, null)).next("welcome");

            a.send(op(1, "one")).send(op(2, "two")).send(op(3, "three"));
            long acked = 0;
            java.util.List<JsonNode> eventsOfA = new java.util.ArrayList<>();
            while (acked < 3 || eventsOfA.size() < 3) {
                JsonNode message = a.next();
                if (message.path("type").asText().equals("ack")) {
                    assertThat(message.path("upTo").asLong()).isGreaterThan(acked);
                    acked = message.path("upTo").asLong();
                } else {
                    eventsOfA.add(message);
                }
            }
            java.util.List<JsonNode> eventsOfB = java.util.List.of(b.next("event"), b.next("event"), b.next("event"));
            for (java.util.List<JsonNode> events : java.util.List.of(eventsOfA, eventsOfB)) {
                for (int i = 1; i <= 3; i++) {
                    JsonNode event = events.get(i - 1);
                    assertThat(event.path("type").asText()).isEqualTo("event");
                    assertThat(event.path("seq").asLong()).isEqualTo(i);
                    assertThat(event.path("client").asText()).isEqualTo("a");
                    assertThat(event.path("cseq").asLong()).isEqualTo(i);
                }
            }
        }
    }

    @Test
    void duplicates_are_acked_but_stored_once_and_resume_starts_after_since() throws Exception {
        URI uri = start(Optional.empty());
        try (WsClient a = WsClient.connect(uri, null)) {
            a.send(hello("a", 0, 0, null)).next("welcome");
            a.send(op(1, "one")).send(op(2, "two"));
            while (a.next("ack").path("upTo").asLong() < 2) {
                // acks are cumulative; wait for the last
            }
        }
        try (WsClient again = WsClient.connect(uri, null)) {
            JsonNode welcome = again.send(hello("a", 0, 1, store.epoch())).next();
            assertThat(welcome.path("applied").asLong()).isEqualTo(2);
            assertThat(welcome.path("head").asLong()).isEqualTo(2);
            JsonNode backlog = again.next("event");
            assertThat(backlog.path("seq").asLong()).as("resume skips what the client has seen").isEqualTo(2);
            again.send(op(2, "two again")).send(op(3, "three"));
            while (again.next("ack").path("upTo").asLong() < 3) {
                // wait for the ack covering the resend and the new op
            }
            JsonNode fresh = again.next("event");
            assertThat(fresh.path("seq").asLong()).as("the duplicate made no new event").isEqualTo(3);
            assertThat(fresh.path("cseq").asLong()).isEqualTo(3);
        }
        assertThat(store.head()).isEqualTo(3);
    }

    @Test
    void the_epoch_survives_a_restart_and_a_client_with_another_epoch_gets_everything() throws Exception {
        URI uri = start(Optional.empty());
        String epoch = store.epoch();
        try (WsClient a = WsClient.connect(uri, null)) {
            a.send(hello("a", 0, 0, null)).next("welcome");
            a.send(op(1, "one"));
            a.next("ack");
        }
        stop();
        uri = start(Optional.empty());
        assertThat(store.epoch()).isEqualTo(epoch);
        try (WsClient b = WsClient.connect(uri, null)) {
            b.send(hello("b", 0, 5, "some-other-epoch")).next("welcome");
            assertThat(b.next("event").path("seq").asLong()).isEqualTo(1);
        }
    }

    @Test
    void a_gap_in_client_seqs_is_a_protocol_violation() throws Exception {
        URI uri = start(Optional.empty());
        try (WsClient a = WsClient.connect(uri, null)) {
            a.send(hello("a", 0, 0, null)).next("welcome");
            a.send(op(1, "one"));
            assertThat(a.next("ack").path("upTo").asLong()).isEqualTo(1);
            a.send(op(3, "skipped two"));
            JsonNode error = a.next("error");
            assertThat(error.path("message").asText()).contains("next expected is 2");
            assertThat(a.closeCode()).isEqualTo(4008);
        }
    }

    @Test
    void a_client_the_store_has_never_seen_starts_where_its_outbox_does() throws Exception {
        URI uri = start(Optional.empty());
        try (WsClient a = WsClient.connect(uri, null)) {
            // Its ops up to 100 were acked by a store this one replaced (a new epoch).
            a.send(hello("a", 100, 0, "old-epoch")).next("welcome");
            a.send(op(101, "first here")).send(op(102, "second"));
            assertThat(a.next("event").path("cseq").asLong()).isEqualTo(101);
        }
        try (WsClient again = WsClient.connect(uri, null)) {
            assertThat(again.send(hello("a", 102, 0, store.epoch())).next("welcome").path("applied").asLong()).isEqualTo(102);
        }
    }

    @Test
    void an_unsupported_protocol_is_refused_with_4002() throws Exception {
        URI uri = start(Optional.empty());
        try (WsClient a = WsClient.connect(uri, null)) {
            a.send("{\"type\":\"hello\",\"client\":\"a\",\"acked\":0,\"since\":0,\"epoch\":null,\"version\":\"9.0\",\"protocol\":9}");
            JsonNode error = a.next("error");
            assertThat(error.path("code").asText()).isEqualTo("unsupported_version");
            assertThat(error.path("message").asText()).contains("protocol 9").contains("protocol 1");
            assertThat(a.closeCode()).isEqualTo(4002);
        }
    }

    @Test
    void bodies_come_back_exactly_as_sent_and_sync_answers_after_every_event_up_to_the_head() throws Exception {
        URI uri = start(Optional.empty());
        String body = "{\"n\":1e400, \"d\":1.00000000000000000000000000001,\"big\":123456789012345678901234567890123,"
                + "\"s\":\"\\ud800 lone\",\"nested\":{\"a\":[1,2,{}]}}";
        try (WsClient a = WsClient.connect(uri, null)) {
            a.send(hello("a", 0, 0, null)).next("welcome");
            a.send("{\"type\":\"op\",\"seq\":1,\"body\":" + body + "}");
            a.send("{\"type\":\"sync\",\"id\":7}");
            String event = null;
            JsonNode synced = null;
            while (synced == null) {
                String text = a.nextText();
                JsonNode message = dev.wok.protocol.Json.mapper().readTree(text);
                if (message.path("type").asText().equals("event")) {
                    event = text;
                } else if (message.path("type").asText().equals("synced")) {
                    synced = message;
                }
            }
            assertThat(event).as("the event came before the synced").isNotNull();
            assertThat(dev.wok.protocol.RawJson.objectAt(event.getBytes(java.nio.charset.StandardCharsets.UTF_8), 0,
                    event.getBytes(java.nio.charset.StandardCharsets.UTF_8).length, "body")).contains(body);
            assertThat(synced.path("id").asLong()).isEqualTo(7);
            assertThat(synced.path("head").asLong()).isEqualTo(1);
        }
    }

    @Test
    void anything_before_hello_is_a_protocol_violation() throws Exception {
        URI uri = start(Optional.empty());
        try (WsClient a = WsClient.connect(uri, null)) {
            a.send(op(1, "too early"));
            assertThat(a.next("error").path("message").asText()).contains("hello");
            assertThat(a.closeCode()).isEqualTo(4008);
        }
    }

    @Test
    void a_token_is_required_when_configured() throws Exception {
        URI uri = start(Optional.of("s3cret"));
        assertThatThrownBy(() -> WsClient.connect(uri, null))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(WebSocketHandshakeException.class)
                .satisfies(e -> assertThat(((WebSocketHandshakeException) e.getCause()).getResponse().statusCode()).isEqualTo(401));
        assertThatThrownBy(() -> WsClient.connect(uri, "wrong")).hasCauseInstanceOf(WebSocketHandshakeException.class);
        try (WsClient ok = WsClient.connect(uri, "s3cret")) {
            assertThat(ok.send(hello("a", 0, 0, null)).next().path("type").asText()).isEqualTo("welcome");
        }
        // The scheme is case-insensitive (RFC 7235); the token is not.
        try (WsClient ok = WsClient.connect(uri, "bearer s3cret")) {
            assertThat(ok.send(hello("b", 0, 0, null)).next().path("type").asText()).isEqualTo("welcome");
        }
        assertThatThrownBy(() -> WsClient.connect(uri, "Bearer S3CRET")).hasCauseInstanceOf(WebSocketHandshakeException.class);
        assertThatThrownBy(() -> WsClient.connect(uri, "Basic s3cret")).hasCauseInstanceOf(WebSocketHandshakeException.class);
    }

    @Test
    void a_fragmented_text_message_is_one_message_and_a_binary_frame_is_a_protocol_error() throws Exception {
        URI uri = start(Optional.empty());
        try (WsClient a = WsClient.connect(uri, null)) {
            a.sendFragmented(hello("a", 0, 0, null), 4).next("welcome");
            a.sendFragmented(op(1, "in three pieces"), 3);
            assertThat(a.next("ack").path("upTo").asLong()).isEqualTo(1);
        }
        try (WsClient b = WsClient.connect(uri, null)) {
            b.send(hello("b", 0, 0, null)).next("welcome");
            b.sendBinary(new byte[] {1, 2, 3});
            assertThat(b.next("error").path("message").asText()).contains("binary");
            assertThat(b.closeCode()).isEqualTo(4008);
        }
    }

    @Test
    void a_restarting_relay_says_going_away() throws Exception {
        URI uri = start(Optional.empty());
        WsClient a = WsClient.connect(uri, null);
        a.send(hello("a", 0, 0, null)).next("welcome");
        stop();
        assertThat(a.closeCode()).isEqualTo(1001);
        a.close();
    }

    @Test
    void a_quiet_client_that_answers_pings_stays_connected_past_the_idle_limit() throws Exception {
        URI uri = start(Optional.empty(), java.time.Duration.ofMillis(600));
        try (WsClient a = WsClient.connect(uri, null)) {
            a.send(hello("a", 0, 0, null)).next("welcome");
            org.awaitility.Awaitility.await().during(java.time.Duration.ofMillis(2000)).atMost(java.time.Duration.ofSeconds(5))
                    .until(() -> !a.closed.isDone());
            a.send(op(1, "still here"));
            assertThat(a.next("ack").path("upTo").asLong()).isEqualTo(1);
        }
    }

    @Test
    void a_client_that_sends_nothing_at_all_is_closed_after_the_idle_limit() throws Exception {
        URI uri = start(Optional.empty(), java.time.Duration.ofMillis(600));
        try (java.net.Socket raw = new java.net.Socket("127.0.0.1", uri.getPort())) {
            raw.getOutputStream().write(("GET /sync HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            raw.setSoTimeout(10_000);
            java.io.InputStream in = raw.getInputStream();
            byte[] buffer = new byte[4096];
            int n;
            int total = 0;
            while ((n = in.read(buffer)) > 0) {
                total += n; // the 101, then the relay's ping, then its close frame
            }
            assertThat(total).isPositive();
            assertThat(n).as("the relay closed a connection that never answered").isEqualTo(-1);
        }
    }
}
