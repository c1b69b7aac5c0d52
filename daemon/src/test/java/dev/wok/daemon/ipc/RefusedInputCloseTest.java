package dev.wok.daemon.ipc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wok.daemon.lifecycle.Daemon;
import dev.wok.daemon.testing.RawClient;
import dev.wok.daemon.testing.TestDaemon;
import dev.wok.protocol.binary.FrameHeader;
import dev.wok.protocol.binary.FrameKind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client whose input wokd refuses while it is still sending (as a client writing one large request in
 * one go is) gets to finish its write and then reads why, instead of failing its write with a broken pipe
 * and never reading the answer. The first three sends below threw "Broken pipe" part-way before wokd lingered.
 */
class RefusedInputCloseTest {
    private static final int LIMIT = 4096;
    private static final int SENT = 4 << 20;

    @TempDir
    Path home;

    private Daemon start() throws Exception {
        return TestDaemon.start(home, s -> s.withLimits(new IpcLimits(LIMIT, LIMIT, Duration.ofSeconds(60))));
    }

    @Test
    void a_line_over_the_limit_sent_in_one_write_is_sent_whole_and_answered_with_why() throws Exception {
        try (Daemon daemon = start(); RawClient client = RawClient.connect(daemon.paths().socket())) {
            String line = "{\"id\":1,\"method\":\"ping\",\"params\":{\"s\":\"" + "x".repeat(SENT) + "\"}}\n";
            client.send(line);
            assertThat(client.readJson().path("error").path("message").asText())
                    .contains("line longer than the maximum of " + LIMIT + " bytes");
            assertThat(client.awaitClosed()).isTrue();
        }
    }

    @Test
    void a_frame_announcing_too_much_is_answered_with_why_while_its_payload_is_still_coming() throws Exception {
        try (Daemon daemon = start(); RawClient client = RawClient.connect(daemon.paths().socket())) {
            ByteBuffer header = ByteBuffer.allocate(FrameHeader.LENGTH);
            new FrameHeader(FrameKind.REQUEST, 7, true, SENT).encode(header);
            client.send(header.array()).send(new byte[SENT]);
            assertThat(client.readFrame().payload().path("error").path("message").asText()).contains(Integer.toString(LIMIT));
            assertThat(client.awaitClosed()).isTrue();
        }
    }

    @Test
    void bytes_in_no_framing_are_refused_and_the_rest_of_them_read_and_dropped() throws Exception {
        try (Daemon daemon = start(); RawClient client = RawClient.connect(daemon.paths().socket())) {
            client.send(("GET / HTTP/1.1\r\nHost: wokd\r\n\r\n" + "y".repeat(SENT)).getBytes(StandardCharsets.US_ASCII));
            assertThat(client.readJson().path("error").path("data").path("reason").asText()).isEqualTo("unsupported_framing");
            assertThat(client.awaitClosed()).isTrue();
        }
    }

    @Test
    void a_refused_client_that_neither_stops_nor_closes_is_closed_after_the_linger() throws Exception {
        try (Daemon daemon = start(); RawClient client = RawClient.connect(daemon.paths().socket())) {
            client.send(("{\"s\":\"" + "x".repeat(2 * LIMIT) + "\"}\n").getBytes(StandardCharsets.US_ASCII));
            assertThat(client.readJson().path("error").path("message").asText()).contains("line longer than");
            assertThat(client.awaitClosed()).as("wokd's side is shut at once").isTrue();
            // What it sends meanwhile is taken and dropped; once the linger is over, wokd has closed for good.
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                try {
                    client.send("more\n");
                    return false;
                } catch (IOException closed) {
                    return true;
                }
            });
        }
    }
}
