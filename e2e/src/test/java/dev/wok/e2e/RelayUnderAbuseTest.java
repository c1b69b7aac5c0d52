package dev.wok.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * wok-relay as a real process (the launcher's ExitOnOutOfMemoryError included) against clients that need
 * no token to hurt it: huge or token-heavy messages before any hello. It refuses them and keeps serving.
 */
@Timeout(120)
class RelayUnderAbuseTest {
    @TempDir
    Path dir;

    @Test
    void a_huge_first_message_is_refused_from_its_header_and_the_relay_stays_up() throws Exception {
        try (RelayProcess relay = RelayProcess.start(dir.resolve("relay"), 0, null)) {
            Client abuser = Client.connect(relay);
            // 15 MiB of empty objects: within the old 16 MiB limit, it built a tree that ended the relay.
            abuser.socket.sendText(bomb(15 << 20), true);
            assertThat(abuser.closed.get(30, TimeUnit.SECONDS)).as("close code").isEqualTo(1009);
            assertStillServes(relay);
        }
    }

    @Test
    void a_first_message_of_too_many_tokens_is_a_violation_and_the_relay_stays_up() throws Exception {
        try (RelayProcess relay = RelayProcess.start(dir.resolve("relay"), 0, null)) {
            Client abuser = Client.connect(relay);
            abuser.socket.sendText(bomb((2 << 20) - 100), true);
            assertThat(abuser.closed.get(30, TimeUnit.SECONDS)).as("close code").isEqualTo(4008);
            assertThat(abuser.text.toString()).contains("tokens");
            assertStillServes(relay);
        }
    }

    @Test
    void a_client_flooding_ops_without_reading_its_acks_slows_only_itself() throws Exception {
        try (RelayProcess relay = RelayProcess.start(dir.resolve("relay"), 0, null)) {
            Client flooder = Client.connect(relay, false);
            flooder.socket.sendText(hello("flooder"), true).get(10, TimeUnit.SECONDS);
            String body = "{\"x\":\"" + "x".repeat(100_000) + "\"}";
            java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();
            Thread flood = new Thread(() -> {
                try {
                    for (int seq = 1; seq <= 5000; seq++) {
                        flooder.socket.sendText("{\"type\":\"op\",\"seq\":" + seq + ",\"body\":" + body + "}", true).get();
                        sent.incrementAndGet();
                    }
                } catch (Exception stopped) {
                    // aborted at the end of the test
                }
            }, "flooder");
            flood.setDaemon(true);
            flood.start();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> sent.get() > 100);

            Client other = Client.connect(relay, true);
            other.socket.sendText(hello("other"), true);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> other.text.toString().contains("welcome"));
            other.socket.sendText("{\"type\":\"op\",\"seq\":1,\"body\":{\"hi\":1}}", true);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> other.text.toString().contains("\"type\":\"ack\""));
            assertThat(relay.alive()).as("the relay is still running; its log: " + relay.log()).isTrue();
            flooder.socket.abort();
            other.socket.abort();
        }
    }

    private static String hello(String client) {
        return "{\"type\":\"hello\",\"client\":\"" + client + "\",\"acked\":0,\"since\":0,\"protocol\":1}";
    }

    /** A hello padded with empty objects to about {@code length} characters. */
    private static String bomb(int length) {
        StringBuilder bomb = new StringBuilder(length + 16).append("{\"type\":\"hello\",\"pad\":[{}");
        while (bomb.length() < length) {
            bomb.append(",{}");
        }
        return bomb.append("]}").toString();
    }

    private static void assertStillServes(RelayProcess relay) throws Exception {
        assertThat(relay.alive()).as("the relay is still running; its log: " + relay.log()).isTrue();
        Client client = Client.connect(relay);
        client.socket.sendText(hello("c1"), true);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> client.text.toString().contains("welcome"));
        client.socket.abort();
    }

    /** A JDK WebSocket client that keeps what it was sent and how it was closed. */
    static final class Client implements WebSocket.Listener {
        final StringBuffer text = new StringBuffer();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        final boolean reading;
        WebSocket socket;

        Client(boolean reading) {
            this.reading = reading;
        }

        static Client connect(RelayProcess relay) throws Exception {
            return connect(relay, true);
        }

        /** {@code reading} false: a client that reads nothing the relay sends it. */
        static Client connect(RelayProcess relay, boolean reading) throws Exception {
            Client client = new Client(reading);
            client.socket = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create(relay.url()), client).get(10, TimeUnit.SECONDS);
            return client;
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            if (reading) {
                webSocket.request(1);
            }
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(-1);
        }
    }
}
