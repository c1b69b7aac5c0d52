package dev.wok.daemon.ipc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wok.daemon.lifecycle.Daemon;
import dev.wok.daemon.testing.RawClient;
import dev.wok.daemon.testing.TestDaemon;
import dev.wok.protocol.binary.FrameHeader;
import dev.wok.protocol.binary.FrameKind;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unfinished requests of all clients together stay within one budget; past it a request is refused, not buffered. */
class RequestBuffersTest {
    @TempDir
    Path home;

    @Test
    void the_budget_is_shared_and_given_back() {
        RequestBuffers buffers = new RequestBuffers(1000);
        HeldBytes a = new HeldBytes(buffers);
        HeldBytes b = new HeldBytes(buffers);
        assertThat(a.update(600)).isNull();
        assertThat(b.update(300)).isNull();
        assertThat(b.update(500)).as("600 + 500 > 1000").isNotNull();
        assertThat(buffers.held()).as("the refused one drops what it held").isEqualTo(600);
        a.release();
        assertThat(buffers.held()).isZero();
        assertThat(b.update(500)).isNull();
        assertThat(buffers.held()).isEqualTo(500);
        assertThat(b.update(0)).isNull();
        assertThat(buffers.held()).isZero();
    }

    @Test
    void the_refused_client_gives_its_share_back_at_once_so_the_other_is_not_refused_too() {
        RequestBuffers buffers = new RequestBuffers(1000);
        HeldBytes a = new HeldBytes(buffers);
        HeldBytes b = new HeldBytes(buffers);
        assertThat(a.update(500)).isNull();
        assertThat(b.update(450)).isNull();
        assertThat(a.update(560)).as("560 + 450 > 1000").isNotNull();
        // Before its connection has closed, the other one's frame keeps arriving: the room is there.
        assertThat(b.update(540)).isNull();
        assertThat(buffers.held()).isEqualTo(540);
        a.release();
        assertThat(buffers.held()).as("releasing a refused connection gives nothing back twice").isEqualTo(540);
    }

    @Test
    void two_clients_whose_unfinished_frames_do_not_fit_together_one_is_refused_the_other_served() throws Exception {
        int payload = 600 * 1024;
        IpcLimits limits = new IpcLimits(4096, payload, Duration.ofSeconds(60)).withMaxUnfinishedRequestBytes(1 << 20);
        try (Daemon daemon = TestDaemon.start(home, s -> s.withLimits(limits));
             RawClient first = RawClient.connect(daemon.paths().socket());
             RawClient second = RawClient.connect(daemon.paths().socket())) {
            for (RawClient client : List.of(first, second)) {
                ByteBuffer header = ByteBuffer.allocate(FrameHeader.LENGTH);
                new FrameHeader(FrameKind.REQUEST, 5, true, payload).encode(header);
                try {
                    client.send(header.array()).send(new byte[550 * 1024]);
                } catch (java.io.IOException closedMidway) {
                    // the one refused may be closed before all of it is written
                }
            }
            // Together they hold 1.1 MiB of unfinished frames: one does not fit, and only it hears back.
            await().atMost(Duration.ofSeconds(10)).until(() -> first.hasInput() || second.hasInput());
            RawClient refused = first.hasInput() ? first : second;
            RawClient.Frame error = refused.readFrame();
            assertThat(error.payload().path("error").path("message").asText()).contains("does not fit").contains("1 MiB");
            assertThat(refused.awaitClosed()).isTrue();

            RawClient kept = refused == first ? second : first;
            kept.send(new byte[50 * 1024]);
            RawClient.Frame answer = kept.readFrame();
            assertThat(answer.header().requestId()).as("the other one's request was read whole and answered").isEqualTo(5);
        }
    }
}
