package dev.wok.daemon.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import dev.wok.daemon.testing.TestDaemon;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.DomainDatagramSocketAddress;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Type=notify: systemd hears READY=1 once wokd serves its socket, and STOPPING=1 when it stops. */
@Timeout(60)
class SystemdNotifyTest {
    @TempDir
    Path home;

    @Test
    void ready_after_start_and_stopping_at_stop_on_the_notify_socket() throws Exception {
        assumeThat(Epoll.isAvailable()).as("native epoll (Linux) sends the datagrams").isTrue();
        Path notify = home.resolve("notify");
        Socket systemd = Socket.newSocketDomainDgram();
        List<String> received = new CopyOnWriteArrayList<>();
        try {
            systemd.bind(new DomainSocketAddress(notify.toFile()));
            Daemon daemon = TestDaemon.start(home, settings -> settings.withEnv(Map.of("NOTIFY_SOCKET", notify.toString())));
            await().atMost(Duration.ofSeconds(10)).until(() -> receive(systemd, received) && received.size() >= 1);
            assertThat(received.get(0)).startsWith("READY=1\nMAINPID=" + ProcessHandle.current().pid() + "\n");
            assertThat(daemon.paths().socket()).exists();

            daemon.stop();
            await().atMost(Duration.ofSeconds(10)).until(() -> receive(systemd, received) && received.size() >= 2);
            assertThat(received.get(1)).startsWith("STOPPING=1");
        } finally {
            systemd.close();
        }
    }

    /** The socket is non-blocking: reads what has arrived, if anything. */
    private static boolean receive(Socket socket, List<String> into) throws Exception {
        ByteBuffer buffer = ByteBuffer.allocateDirect(4096);
        DomainDatagramSocketAddress from = socket.recvFromDomainSocket(buffer, 0, buffer.capacity());
        if (from != null) {
            byte[] bytes = new byte[from.receivedAmount()];
            buffer.get(0, bytes);
            into.add(new String(bytes, StandardCharsets.UTF_8));
        }
        return true;
    }
}
