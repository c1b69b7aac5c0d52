package dev.wok.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.wok.protocol.client.WokClient;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real wokd (started by the launcher, production flags) against clients that misbehave on purpose:
 * it keeps what it holds for them bounded, keeps answering everyone else, and recovers when they go.
 */
@Timeout(180)
class AbusiveClientsTest {
    /** What wokd may reach under any client; far below what the same abuse cost before (741 MiB). */
    private static final long RSS_BUDGET = 160L << 20;

    @TempDir
    Path home;

    Path scripts;
    long pid;
    final DaemonProcesses daemons = new DaemonProcesses();

    @BeforeEach
    void startDaemon() throws Exception {
        Path root = Path.of(System.getProperty("wok.repo.root", "..")).toAbsolutePath().normalize();
        scripts = root.resolve("scripts");
        assumeThat(root.resolve("daemon/target/wok-daemon.jar")).as("packaged jars (run 'verify', not 'test')").exists();
        assumeThat(Path.of("/proc/self/status")).as("/proc, to read the daemon's memory").exists();
        ProcessBuilder builder = new ProcessBuilder(scripts.resolve("wokd").toString(), "start").redirectErrorStream(true);
        builder.environment().put("WOK_HOME", home.toString());
        Process start = builder.start();
        String out = new String(start.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(start.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(start.exitValue()).as(out).isZero();
        pid = daemons.pid(home).orElseThrow();
    }

    @AfterEach
    void stopDaemon() {
        daemons.killAll();
    }

    @Test
    void a_client_that_pipelines_a_million_requests_and_never_reads_slows_only_itself() throws Exception {
        int openBefore = openFiles();
        byte[] batch = pingLines(10_000);
        int sent = 0;
        try (SocketChannel abuser = SocketChannel.open(StandardProtocolFamily.UNIX);
             Selector selector = Selector.open()) {
            abuser.connect(UnixDomainSocketAddress.of(socket()));
            abuser.configureBlocking(false);
            abuser.register(selector, SelectionKey.OP_WRITE);
            ByteBuffer pending = ByteBuffer.wrap(batch);
            boolean stalled = false;
            while (sent < 1_000_000 && !stalled) {
                abuser.write(pending);
                if (!pending.hasRemaining()) {
                    sent += 10_000;
                    pending = ByteBuffer.wrap(batch);
                } else if (selector.select(2_000) == 0) {
                    stalled = true; // wokd stopped reading us: what back-pressure is for
                } else {
                    selector.selectedKeys().clear();
                }
            }
            assertThat(stalled).as("wokd stopped reading a client that reads none of its answers (it took %d requests)", sent)
                    .isTrue();
            assertThat(sent).isLessThan(1_000_000);

            // Everyone else is served as usual meanwhile.
            for (int i = 0; i < 20; i++) {
                assertThat(ping()).isTrue();
            }
            assertThat(rss()).as("wokd's memory with a client that never reads").isLessThan(RSS_BUDGET);
        }
        assertThat(ping()).isTrue();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> openFiles() <= openBefore);
    }

    private Path socket() {
        return home.resolve("wokd.sock");
    }

    private boolean ping() throws Exception {
        try (WokClient client = WokClient.connect(socket(), Duration.ofSeconds(5))) {
            return client.call("ping", dev.wok.protocol.Json.object(), Duration.ofSeconds(5)).path("pong").asBoolean();
        }
    }

    private static byte[] pingLines(int count) {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < count; i++) {
            lines.append("{\"id\":").append(i).append(",\"method\":\"ping\"}\n");
        }
        return lines.toString().getBytes(StandardCharsets.UTF_8);
    }

    private long rss() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS for " + pid);
    }

    private int openFiles() throws IOException {
        try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return (int) fds.count();
        }
    }
}
