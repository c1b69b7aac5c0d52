package dev.wok.daemon.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wok.protocol.config.HeartbeatPolicy;
import dev.wok.protocol.config.RetryPolicy;
import dev.wok.protocol.config.UpstreamConfig;
import dev.wok.protocol.api.ConnectionState;
import io.netty.resolver.dns.SingletonDnsServerAddressStreamProvider;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The real dialer on loopback: phases that hang must neither block the connector nor outlive a close. */
@Timeout(60)
class WebSocketDialerTest {
    @TempDir
    Path home;

    private static UpstreamConfig config(String url, Duration connectTimeout) {
        return new UpstreamConfig(Optional.of(URI.create(url)), Optional.empty(), Optional.empty(),
                new RetryPolicy(Duration.ofMillis(100), 2.0, Duration.ofSeconds(1), 10, connectTimeout), HeartbeatPolicy.DEFAULTS);
    }

    /** A DNS server on loopback that receives queries and never answers them. */
    private static final class SilentDns implements AutoCloseable {
        final DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        final AtomicInteger queries = new AtomicInteger();
        final Thread reader = new Thread(() -> {
            byte[] buffer = new byte[512];
            while (!socket.isClosed()) {
                try {
                    socket.receive(new DatagramPacket(buffer, buffer.length));
                    queries.incrementAndGet();
                } catch (IOException e) {
                    return;
                }
            }
        });

        SilentDns() throws IOException {
            reader.setDaemon(true);
            reader.start();
        }

        InetSocketAddress address() {
            return (InetSocketAddress) socket.getLocalSocketAddress();
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    @Test
    void a_dns_server_that_never_answers_blocks_nothing_and_fails_the_attempt_after_the_connect_timeout() throws Exception {
        try (SilentDns dns = new SilentDns();
             Upstream upstream = Upstream.start(config("ws://sync.wok.test:7890/sync", Duration.ofSeconds(2)), "test",
                     Optional.of(new SingletonDnsServerAddressStreamProvider(dns.address())))) {
            ConnectionManager manager = upstream.manager();
            await().atMost(Duration.ofSeconds(10)).until(() -> dns.queries.get() > 0);

            // The actor answers while the query hangs: the old resolver blocked its thread for the whole DNS timeout.
            var disconnected = manager.disconnect().toCompletableFuture();
            assertThat(disconnected.get(1, TimeUnit.SECONDS).state()).isEqualTo(ConnectionState.DISCONNECTED);

            manager.connect();
            await().atMost(Duration.ofSeconds(10)).until(() -> manager.snapshot().lastError().isPresent());
            assertThat(manager.snapshot().lastError().get())
                    .isEqualTo("cannot resolve sync.wok.test: no DNS answer within 2000 ms");
        }
    }

    @Test
    void closing_an_attempt_whose_upgrade_hangs_closes_its_socket_at_once() throws Exception {
        CopyOnWriteArrayList<Socket> accepted = new CopyOnWriteArrayList<>();
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
            // A 30 s connect timeout: whatever closes the socket below, it is not a timeout.
            UpstreamConfig config = config("ws://127.0.0.1:" + silent.getLocalPort() + "/sync", Duration.ofSeconds(30));
            try (Upstream upstream = Upstream.start(config, "test")) {
                await().atMost(Duration.ofSeconds(10)).until(() -> !accepted.isEmpty());
                Socket server = accepted.get(0);
                server.setSoTimeout(5_000);
                InputStream in = server.getInputStream();
                assertThat(in.read(new byte[4096])).as("the upgrade request").isPositive();

                upstream.manager().disconnect().toCompletableFuture().get(5, TimeUnit.SECONDS);
                int next;
                do {
                    next = in.read(new byte[4096]);
                } while (next > 0);
                assertThat(next).as("wokd closed the socket well before the 10 s a close frame could wait").isEqualTo(-1);
                assertThat(accepted).hasSize(1);
            } finally {
                for (Socket s : accepted) {
                    s.close();
                }
            }
        }
    }
}
