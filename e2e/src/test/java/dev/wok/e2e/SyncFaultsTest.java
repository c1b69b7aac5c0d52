package dev.wok.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wok.protocol.Json;
import dev.wok.protocol.Methods;
import dev.wok.protocol.RawJson;
import dev.wok.protocol.client.WokClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durable sync through faults, with real daemon and relay processes: wokd killed while clients push, the
 * relay killed and restarted during a flush, an ack lost on the wire, three daemons at once, the relay's
 * store replaced, and bodies that must arrive exactly as written. Nothing acknowledged is lost or doubled.
 */
@Timeout(300)
class SyncFaultsTest {
    @TempDir
    Path dir;

    final DaemonProcesses daemons = new DaemonProcesses();
    final List<RelayProcess> relays = new ArrayList<>();
    final List<AutoCloseable> closers = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (AutoCloseable c : closers) {
            c.close();
        }
        daemons.killAll();
        for (RelayProcess relay : relays) {
            relay.close();
        }
    }

    /** A stored op, as the relay or a daemon's event log has it. */
    record Row(long seq, String client, long cseq, String body) {}

    /** A WOK_HOME whose daemon retries quickly (100 ms to 500 ms), so that faults cost seconds, not minutes. */
    private Path home(String name) throws IOException {
        Path home = dir.resolve(name);
        Files.createDirectories(home);
        Files.setPosixFilePermissions(home, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        Files.writeString(home.resolve("config.toml"), "[upstream.retry]\nbase_ms = 100\ncap_ms = 500\n");
        return home;
    }

    private RelayProcess relay(Path data, int port) throws IOException {
        RelayProcess relay = RelayProcess.start(data, port, null);
        relays.add(relay);
        return relay;
    }

    private long startDaemon(Path home, String url) throws IOException {
        CliRun start = CliRun.wokd(Map.of("WOK_HOME", home.toString(), "WOK_UPSTREAM_URL", url), "start");
        assertThat(start.exitCode()).as(start.err()).isZero();
        return daemons.pid(home).orElseThrow();
    }

    private static WokClient client(Path home) throws IOException {
        return WokClient.connect(home.resolve("wokd.sock"), Duration.ofSeconds(5));
    }

    private static JsonNode push(WokClient client, String body) throws Exception {
        ObjectNode params = Json.object();
        params.putRawValue(RawJson.BODY, RawJson.value(body));
        return client.call(Methods.PUSH, params, Duration.ofSeconds(30));
    }

    private static void syncNow(Path home) throws Exception {
        ObjectNode params = Json.object();
        params.put("timeout_ms", 120_000);
        try (WokClient client = client(home)) {
            client.call(Methods.SYNC_NOW, params, Duration.ofSeconds(130));
        }
    }

    private static JsonNode status(Path home) throws Exception {
        try (WokClient client = client(home)) {
            return client.call(Methods.STATUS, Json.object(), Duration.ofSeconds(10));
        }
    }

    private static List<Row> rows(Path db, String table) throws Exception {
        List<Row> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT seq, client, cseq, body FROM " + table + " ORDER BY seq")) {
            while (r.next()) {
                rows.add(new Row(r.getLong(1), r.getString(2), r.getLong(3), r.getString(4)));
            }
        }
        return rows;
    }

    private static List<Row> relayOps(Path data) throws Exception {
        return rows(data.resolve("relay.db"), "ops");
    }

    private static List<Row> eventLog(Path home) throws Exception {
        return rows(home.resolve("wok.db"), "events");
    }

    private static long outbox(Path home) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("wok.db"));
             Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT COUNT(*) FROM outbox")) {
            return r.getLong(1);
        }
    }

    private static long count(Path data) {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("relay.db"));
             Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT COUNT(*) FROM ops")) {
            return r.getLong(1);
        } catch (Exception e) {
            return -1;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    /** Pushes {"c":c,"i":i} from several threads, each in order, recording every op the daemon answered. */
    private static final class Pushers {
        final Map<String, Long> answered = new ConcurrentHashMap<>();
        final AtomicBoolean stop = new AtomicBoolean();
        final List<Thread> threads = new ArrayList<>();
        final AtomicInteger failures = new AtomicInteger();

        Pushers(Path home, int clients, int each) {
            for (int c = 0; c < clients; c++) {
                int client = c;
                Thread t = new Thread(() -> {
                    try (WokClient wok = client(home)) {
                        for (int i = 0; i < each && !stop.get(); i++) {
                            String body = "{\"c\":" + client + ",\"i\":" + i + "}";
                            JsonNode pushed = push(wok, body);
                            answered.put(body, pushed.path("seq").asLong());
                        }
                    } catch (Exception e) {
                        failures.incrementAndGet(); // the daemon was killed under us
                    }
                }, "pusher-" + c);
                t.start();
                threads.add(t);
            }
        }

        void join() throws InterruptedException {
            for (Thread t : threads) {
                t.join(TimeUnit.MINUTES.toMillis(4));
            }
        }
    }

    /** Each (c, i) at most once, and each pusher's ops in the order it pushed them. */
    private static void assertOncePerOpInPushOrder(List<Row> ops) throws Exception {
        Set<String> seen = new HashSet<>();
        Map<Integer, Integer> lastI = new HashMap<>();
        for (Row row : ops) {
            assertThat(seen.add(row.body())).as("stored once: %s", row.body()).isTrue();
            JsonNode body = Json.mapper().readTree(row.body());
            int c = body.path("c").asInt();
            int i = body.path("i").asInt();
            assertThat(i).as("client %d's ops in the order it pushed them", c).isGreaterThan(lastI.getOrDefault(c, -1));
            lastI.put(c, i);
        }
    }

    @Test
    void kill_9_of_wokd_while_ten_clients_push_loses_no_acknowledged_op_and_doubles_none() throws Exception {
        Path data = dir.resolve("relay");
        RelayProcess relay = relay(data, 0);
        Path home = home("a");
        long pid = startDaemon(home, relay.url());
        Pushers pushers = new Pushers(home, 10, 1_000);
        await().atMost(Duration.ofSeconds(60)).until(() -> pushers.answered.size() >= 3_000);
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        pushers.stop.set(true);
        pushers.join();

        startDaemon(home, relay.url());
        syncNow(home);
        List<Row> ops = relayOps(data);
        assertOncePerOpInPushOrder(ops);
        Set<String> stored = new HashSet<>();
        ops.forEach(row -> stored.add(row.body()));
        assertThat(stored).as("every op whose push was answered reached the relay").containsAll(pushers.answered.keySet());
        assertThat(outbox(home)).isZero();
    }

    @Test
    void the_relay_killed_and_restarted_twenty_times_during_a_flush_of_50000_ops_loses_and_doubles_nothing() throws Exception {
        Path data = dir.resolve("relay");
        int port = freePort();
        Path home = home("a");
        startDaemon(home, "ws://127.0.0.1:" + port + "/sync");
        Pushers pushers = new Pushers(home, 10, 5_000);
        pushers.join();
        assertThat(pushers.answered).hasSize(50_000);
        assertThat(outbox(home)).as("everything waits in the outbox while the relay is down").isEqualTo(50_000);

        for (int restart = 0; restart < 20; restart++) {
            long before = count(data);
            RelayProcess relay = relay(data, port);
            await().atMost(Duration.ofSeconds(60)).until(() -> count(data) > before || outboxOrZero(home) == 0);
            relay.kill();
            relays.remove(relay);
        }
        relay(data, port);
        syncNow(home);

        List<Row> ops = relayOps(data);
        assertThat(ops).hasSize(50_000);
        String client = status(home).path("client_id").asText();
        for (int k = 0; k < ops.size(); k++) {
            assertThat(ops.get(k).client()).isEqualTo(client);
            assertThat(ops.get(k).cseq()).as("dense, in order").isEqualTo(k + 1);
        }
        assertOncePerOpInPushOrder(ops);
        assertThat(outbox(home)).isZero();
        await().atMost(Duration.ofSeconds(60)).until(() -> eventLog(home).size() == 50_000);
        assertThat(eventLog(home)).isEqualTo(ops);
    }

    private static long outboxOrZero(Path home) {
        try {
            return outbox(home);
        } catch (Exception e) {
            return -1;
        }
    }

    /** A TCP relay between the daemon and the relay; it can stop passing the relay's bytes, and cut everything. */
    private static final class Proxy implements AutoCloseable {
        final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final List<Socket> open = new CopyOnWriteArrayList<>();
        volatile boolean holdDownstream;

        Proxy(int target) throws IOException {
            Thread acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket daemonSide = server.accept();
                        Socket relaySide = new Socket();
                        relaySide.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), target));
                        open.add(daemonSide);
                        open.add(relaySide);
                        pump(daemonSide, relaySide, false);
                        pump(relaySide, daemonSide, true);
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
        }

        private void pump(Socket from, Socket to, boolean downstream) {
            Thread t = new Thread(() -> {
                byte[] buffer = new byte[16 * 1024];
                try {
                    while (true) {
                        while (downstream && holdDownstream && !from.isClosed()) {
                            Thread.onSpinWait();
                        }
                        int n = from.getInputStream().read(buffer);
                        if (n < 0) {
                            break;
                        }
                        to.getOutputStream().write(buffer, 0, n);
                    }
                } catch (IOException e) {
                    // cut
                }
                cut(from, to);
            });
            t.setDaemon(true);
            t.start();
        }

        private static void cut(Socket a, Socket b) {
            try {
                a.close();
                b.close();
            } catch (IOException ignored) {
                // already closed
            }
        }

        int port() {
            return server.getLocalPort();
        }

        void cutAll() throws IOException {
            for (Socket s : open) {
                s.close();
            }
            open.clear();
        }

        @Override
        public void close() throws IOException {
            server.close();
            cutAll();
        }
    }

    @Test
    void an_ack_lost_on_the_wire_makes_the_op_resent_and_stored_once() throws Exception {
        Path data = dir.resolve("relay");
        RelayProcess relay = relay(data, 0);
        Proxy proxy = new Proxy(relay.port);
        closers.add(proxy);
        Path home = home("a");
        startDaemon(home, "ws://127.0.0.1:" + proxy.port() + "/sync");
        await().atMost(Duration.ofSeconds(30)).until(() -> status(home).path("state").asText().equals("connected"));

        proxy.holdDownstream = true;
        try (WokClient wok = client(home)) {
            push(wok, "{\"the\":\"op whose ack is lost\"}");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> count(data) == 1);
        proxy.cutAll();
        proxy.holdDownstream = false;

        syncNow(home);
        assertThat(relayOps(data)).extracting(Row::body).containsExactly("{\"the\":\"op whose ack is lost\"}");
        assertThat(outbox(home)).isZero();
        assertThat(eventLog(home)).extracting(Row::body).containsExactly("{\"the\":\"op whose ack is lost\"}");
    }

    @Test
    void three_daemons_pushing_at_once_end_with_event_logs_identical_to_the_relays_store() throws Exception {
        Path data = dir.resolve("relay");
        RelayProcess relay = relay(data, 0);
        List<Path> homes = List.of(home("a"), home("b"), home("c"));
        for (Path home : homes) {
            startDaemon(home, relay.url());
        }
        List<Pushers> all = new ArrayList<>();
        for (Path home : homes) {
            all.add(new Pushers(home, 2, 1_000));
        }
        for (Pushers p : all) {
            p.join();
            assertThat(p.answered).hasSize(2_000);
        }
        for (Path home : homes) {
            syncNow(home);
        }
        for (Path home : homes) {
            syncNow(home); // after every push everywhere is acknowledged: each pulls the final head
        }
        List<Row> ops = relayOps(data);
        assertThat(ops).hasSize(6_000);
        for (Path home : homes) {
            assertThat(eventLog(home)).as("event log of %s", home.getFileName()).isEqualTo(ops);
        }
    }

    @Test
    void a_replaced_relay_store_is_pulled_again_by_every_daemon() throws Exception {
        Path data = dir.resolve("relay");
        int port = freePort();
        String url = "ws://127.0.0.1:" + port + "/sync";
        RelayProcess first = relay(data, port);
        Path a = home("a");
        Path b = home("b");
        startDaemon(a, url);
        startDaemon(b, url);
        try (WokClient wok = client(a)) {
            for (int i = 0; i < 20; i++) {
                push(wok, "{\"old\":" + i + "}");
            }
        }
        syncNow(a);
        syncNow(b);
        String oldEpoch = status(b).path("epoch").asText();
        assertThat(eventLog(b)).hasSize(20);

        first.kill();
        relays.remove(first);
        try (var files = Files.walk(data)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        relay(data, port);
        try (WokClient wok = client(a)) {
            for (int i = 0; i < 5; i++) {
                push(wok, "{\"new\":" + i + "}");
            }
        }
        syncNow(a);
        syncNow(b);
        List<Row> ops = relayOps(data);
        assertThat(ops).extracting(Row::body).containsExactly("{\"new\":0}", "{\"new\":1}", "{\"new\":2}", "{\"new\":3}",
                "{\"new\":4}");
        assertThat(eventLog(a)).isEqualTo(ops);
        assertThat(eventLog(b)).isEqualTo(ops);
        assertThat(status(b).path("epoch").asText()).isNotEqualTo(oldEpoch);
    }

    @Test
    void bodies_arrive_exactly_as_pushed_through_two_daemons() throws Exception {
        Path data = dir.resolve("relay");
        RelayProcess relay = relay(data, 0);
        Path a = home("a");
        Path b = home("b");
        startDaemon(a, relay.url());
        startDaemon(b, relay.url());
        String body = "{\"n\":1e400,\"d\":1.00000000000000000000000000001,\"big\":123456789012345678901234567890123,"
                + "\"s\":\"\\ud800 lone\", \"spaced\" : [ 1 , 2 ]}";
        String pushed = jsonLines(a, "{\"id\":1,\"method\":\"push\",\"params\":{\"body\":" + body + "}}\n{\"id\":2,\"method\":\"sync-now\"}\n", 2);
        assertThat(pushed).contains("\"seq\":1");
        syncNow(b);
        String log = jsonLines(b, "{\"id\":3,\"method\":\"log\"}\n", 1);
        assertThat(log).contains("\"body\":" + body + "}");
        assertThat(relayOps(data)).extracting(Row::body).containsExactly(body);
        assertThat(eventLog(b)).extracting(Row::body).containsExactly(body);
    }

    /** Writes raw JSON lines to a daemon and reads until {@code answers} responses (not events) came back. */
    private static String jsonLines(Path home, String lines, int answers) throws Exception {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(home.resolve("wokd.sock")));
            channel.write(ByteBuffer.wrap(lines.getBytes(StandardCharsets.UTF_8)));
            StringBuilder read = new StringBuilder();
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (read.toString().lines().filter(l -> l.contains("\"result\"") || l.contains("\"error\"")).count() < answers) {
                assertThat(System.nanoTime()).as("answers within 60 s; got %s", read).isLessThan(deadline);
                buffer.clear();
                if (channel.read(buffer) < 0) {
                    break;
                }
                read.append(new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8));
            }
            return read.toString();
        }
    }
}
