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
import java.util.List;
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
    /**
     * What wokd may reach under abuse: 75-90 MiB at rest (a third of it the start-up cache's class data),
     * its 128 MiB heap at most, and the request buffers; far below what one client that never read cost
     * before (741 MiB), and below the machine's swap-free comfort. docs/BENCHMARKS.md has the measured
     * figures.
     */
    private static final long RSS_BUDGET = 256L << 20;

    @TempDir
    Path home;

    Path scripts;
    long pid;
    final DaemonProcesses daemons = new DaemonProcesses();

    @BeforeEach
    void startDaemon() throws Exception {
        Path root = Build.root();
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

    @Test
    @Timeout(300)
    void a_hundred_clients_sending_near_maximum_lines_at_once_leave_it_up_answering_and_back_to_its_memory_after() throws Exception {
        assertThat(ping()).isTrue();
        long idle = rss();
        int openBefore = openFiles();
        // 1 MiB less a little: the largest JSON line wokd takes, of many tiny values.
        StringBuilder line = new StringBuilder("{\"id\":1,\"method\":\"ping\",\"params\":{\"a\":[0");
        while (line.length() < (1 << 20) - 64) {
            line.append(",0");
        }
        byte[] request = line.append("]}}\n").toString().getBytes(StandardCharsets.UTF_8);
        java.util.concurrent.ExecutorService senders = java.util.concurrent.Executors.newFixedThreadPool(100);
        try {
            List<java.util.concurrent.Future<String>> answers = new java.util.ArrayList<>();
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            for (int i = 0; i < 100; i++) {
                answers.add(senders.submit(() -> {
                    try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                        client.connect(UnixDomainSocketAddress.of(socket()));
                        go.await();
                        client.write(ByteBuffer.wrap(request));
                        ByteBuffer answer = ByteBuffer.allocate(4096);
                        client.read(answer);
                        return new String(answer.array(), 0, answer.position(), StandardCharsets.UTF_8);
                    } catch (IOException closed) {
                        return "closed: " + closed.getMessage();
                    }
                }));
            }
            go.countDown();
            for (var answer : answers) {
                // Each is answered (refused for its size, its tokens, or its params) or closed; none hangs.
                assertThat(answer.get(60, TimeUnit.SECONDS)).isNotNull();
            }
        } finally {
            senders.shutdownNow();
        }
        assertThat(DaemonProcesses.alive(pid)).isTrue();
        assertThat(ping()).isTrue();
        assertThat(rss()).as("wokd's memory after 100 near-maximum requests at once").isLessThan(RSS_BUDGET);

        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> openFiles() <= openBefore);

        // Once quiet, it gives back what the burst took: its heap in one full collection (IdleHeapRelease,
        // within 20 s), malloc's free memory by the JVM's native-heap trim (every 60 s), which only JDKs
        // 17.0.9+, 21.0.1+ and 22+ have: on the others the launcher does not ask for it, and freed malloc
        // memory stays with the process.
        String command = Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ');
        org.junit.jupiter.api.Assumptions.assumeTrue(command.contains("-XX:TrimNativeHeapInterval="),
                "this JDK cannot trim the native heap, so wokd's RSS is not expected back at its idle level");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(rss()).as("wokd's memory, %d MiB when idle before the burst", idle >> 20)
                        .isLessThan(idle + (16L << 20)));
    }

    @Test
    void a_log_follower_that_never_reads_while_80_mb_of_ops_are_pushed_costs_wokd_little_memory() throws Exception {
        try (SocketChannel follower = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            follower.connect(UnixDomainSocketAddress.of(socket()));
            follower.write(ByteBuffer.wrap("{\"id\":1,\"method\":\"log\",\"params\":{\"follow\":true}}\n"
                    .getBytes(StandardCharsets.UTF_8)));
            long before = rss();
            // 80 MB of entries: held for the follower, they would dwarf what the pushes themselves cost
            // (the JIT, the heap growing to its working size: 30-40 MB on this machine).
            String body = "{\"text\":\"" + "x".repeat(8_000) + "\"}";
            try (WokClient pusher = WokClient.connect(socket(), Duration.ofSeconds(5))) {
                for (int i = 0; i < 10_000; i++) {
                    var params = dev.wok.protocol.Json.object();
                    params.set("body", dev.wok.protocol.Json.mapper().readTree(body));
                    pusher.call("push", params, Duration.ofSeconds(10));
                }
            }
            assertThat(ping()).isTrue();
            assertThat(rss() - before).as("memory grown while a follower read nothing of 80 MB of entries")
                    .isLessThan(64L << 20);
        }
        assertThat(ping()).isTrue();
    }

    @Test
    void a_watcher_that_never_reads_while_40_000_state_changes_happen_is_dropped_and_costs_wokd_little_memory()
            throws Exception {
        // An upstream on a port nobody listens on, retried only when asked: each disconnect and connect
        // below is a change of state and nothing else is.
        Files.writeString(home.resolve("config.toml"), "[upstream]\nurl = \"ws://127.0.0.1:1/sync\"\n"
                + "[upstream.retry]\nbase_ms = 3600000\ncap_ms = 3600000\n");
        byte[] watch = "{\"id\":1,\"method\":\"watch\"}\n".getBytes(StandardCharsets.UTF_8);
        try (WokClient control = WokClient.connect(socket(), Duration.ofSeconds(5));
             SocketChannel stalled = SocketChannel.open(StandardProtocolFamily.UNIX);
             SocketChannel counted = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            control.call("reload", dev.wok.protocol.Json.object(), Duration.ofSeconds(10));
            counted.connect(UnixDomainSocketAddress.of(socket()));
            counted.write(ByteBuffer.wrap(watch));
            EventCounter events = new EventCounter(counted);
            events.start();
            // Warm-up, so that what follows measures the stalled watcher, not the JIT and the heap growing.
            toggle(control, events, 2_000);
            long before = rss();
            stalled.connect(UnixDomainSocketAddress.of(socket()));
            stalled.write(ByteBuffer.wrap(watch));

            // The case: 40,000 changes grew wokd by 56 MiB for a watcher that read none of them.
            toggle(control, events, events.count() + 40_000);

            assertThat(ping()).isTrue();
            // Measured: +21 MiB for the same toggles with no stalled watcher (the heap still growing to its
            // working size), +49 MiB with it (its 8 MiB backlog, and the buffer pool that held it, kept).
            assertThat(rss() - before).as("memory grown while a watcher read none of 40,000 changes").isLessThan(64L << 20);
            // Reads to the end, which comes only because wokd closed it (the test's @Timeout bounds the wait).
            assertThat(java.nio.channels.Channels.newInputStream(stalled).transferTo(java.io.OutputStream.nullOutputStream()))
                    .as("what the stalled watcher finds before wokd's close: at most the 8 MiB limit and the socket's buffers")
                    .isLessThan(10L << 20);
        }
        assertThat(Files.readString(home.resolve("wokd.log"))).containsPattern("closing a client that (let|has read none)");
        assertThat(ping()).isTrue();
    }

    private static void toggle(WokClient control, EventCounter events, int until) throws Exception {
        for (int i = 0; events.count() < until; i++) {
            assertThat(i).as("changes seen by a watcher that reads, after %d toggles", i).isLessThan(until);
            control.call("disconnect", dev.wok.protocol.Json.object(), Duration.ofSeconds(10));
            control.call("connect", dev.wok.protocol.Json.object(), Duration.ofSeconds(10));
        }
    }

    /** Reads a watch stream on its own thread and counts its events, so that the test knows they happened. */
    private static final class EventCounter extends Thread {
        private final SocketChannel channel;
        private final java.util.concurrent.atomic.AtomicInteger events = new java.util.concurrent.atomic.AtomicInteger();

        EventCounter(SocketChannel channel) {
            super("watch-counter");
            setDaemon(true);
            this.channel = channel;
        }

        int count() {
            return events.get();
        }

        @Override
        public void run() {
            ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
            try {
                while (channel.read(buffer) >= 0) {
                    buffer.flip();
                    while (buffer.hasRemaining()) {
                        if (buffer.get() == '\n') {
                            events.incrementAndGet();
                        }
                    }
                    buffer.clear();
                }
            } catch (IOException closed) {
                // the test closed it
            }
        }
    }

    @Test
    void five_thousand_idle_connections_leave_it_answering_and_their_fds_are_given_back() throws Exception {
        assumeThat(softFileLimit()).as("an fd limit with room for 5,000 connections in this test's JVM").isGreaterThan(6_000);
        int openBefore = openFiles();
        List<SocketChannel> idle = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 5_000; i++) {
                SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
                idle.add(channel);
                channel.connect(UnixDomainSocketAddress.of(socket()));
            }
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> openFiles() >= openBefore + 5_000);
            assertThat(ping()).isTrue();
        } finally {
            for (SocketChannel channel : idle) {
                channel.close();
            }
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> openFiles() <= openBefore);
        assertThat(ping()).isTrue();
    }

    private static long softFileLimit() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/limits")).stream().filter(line -> line.startsWith("Max open files"))
                .map(line -> line.substring("Max open files".length()).trim().split("\\s+")[0])
                .mapToLong(value -> value.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(value)).findFirst().orElse(0);
    }

    @Test
    void the_jvms_own_messages_reach_wokd_log() throws Exception {
        // A thread dump is what the JVM prints itself, like its last words on an OutOfMemoryError.
        assertThat(new ProcessBuilder("kill", "-QUIT", Long.toString(pid)).start().waitFor()).isZero();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> Files.readString(home.resolve("wokd.log")).contains("Full thread dump"));
        assertThat(ping()).isTrue();
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
