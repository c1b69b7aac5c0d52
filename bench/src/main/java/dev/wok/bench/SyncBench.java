package dev.wok.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wok.protocol.Json;
import dev.wok.protocol.Methods;
import dev.wok.protocol.RawJson;
import dev.wok.protocol.client.WokClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.sqlite.SQLiteConfig;

/**
 * The durable-sync figures of docs/BENCHMARKS.md, each beside a reference measured in the same run, with
 * real processes started by the real launchers:
 * <ol>
 *   <li>durable push, 1 and 50 clients, beside raw SQLite doing the same commits (one per row; batches);</li>
 *   <li>outbox → relay, 100,000 ops acknowledged, beside raw SQLite storing them in the relay's batches;</li>
 *   <li>push on daemon A → seen by {@code log --follow} on daemon B at 1,000 ops/s, beside a ping;</li>
 *   <li>daemon RSS with 1,000,000 events and 100,000 pending, beside an empty daemon.</li>
 * </ol>
 * Usage: {@code SyncBench [seconds-per-load-run]}.
 */
public final class SyncBench {
    private static final String PUSH = "{\"id\":1,\"method\":\"push\",\"params\":{\"body\":{\"text\":\"hello from the benchmark\",\"n\":42}}}";

    private SyncBench() {}

    public static void main(String[] args) throws Exception {
        Duration measure = Duration.ofSeconds(args.length > 0 ? Long.parseLong(args[0]) : 5);
        Path root = Processes.repoRoot();
        Path work = Files.createTempDirectory(Path.of("/tmp"), "wok-syncbench");
        List<Process> processes = new ArrayList<>();
        String only = System.getProperty("wok.bench.only", "all");
        try {
            if (only.equals("all") || only.equals("push")) {
                pushes(root, work, measure, processes);
            }
            if (only.equals("all") || only.equals("flush")) {
                flush(root, work, processes);
            }
            if (only.equals("all") || only.equals("e2e")) {
                endToEnd(root, work, measure, processes);
            }
            if (only.equals("all") || only.equals("memory")) {
                memory(root, work, processes);
            }
        } finally {
            for (Process p : processes) {
                Processes.stop(p);
            }
            Processes.deleteTree(work);
        }
    }

    private static Process daemon(Path root, Path home, Map<String, String> env, List<Process> processes) throws Exception {
        Files.createDirectories(home);
        Files.setPosixFilePermissions(home, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        Files.writeString(home.resolve("config.toml"), "[store]\nmax_pending = 1000000000\n");
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("WOK_HOME", home.toString());
        Process p = Processes.startAndAwait(List.of(root.resolve("scripts/wokd").toString(), "run"), all, "wokd ready");
        processes.add(p);
        return p;
    }

    private static JsonNode call(Path home, String method, ObjectNode params) throws Exception {
        try (WokClient client = WokClient.connect(home.resolve("wokd.sock"), Duration.ofSeconds(2))) {
            return client.call(method, params, Duration.ofMinutes(5));
        }
    }

    // 1. Durable push.

    private static void pushes(Path root, Path work, Duration measure, List<Process> processes) throws Exception {
        Path home = work.resolve("push");
        Process wokd = daemon(root, home, Map.of(), processes);
        System.out.println("\n| durable push | clients | ops/s | p50 µs | p99 µs |");
        System.out.println("|---|---:|---:|---:|---:|");
        for (int clients : new int[] {1, 50}) {
            LoadGenerator.Result r = LoadGenerator.run(home.resolve("wokd.sock"), LoadGenerator.Framing.FRAMES, PUSH, clients,
                    Duration.ofSeconds(2), measure);
            row("wokd push (fsync before the answer)", clients, r);
            Reference ref = clients == 1 ? rawSqlite(work.resolve("raw1.db"), 1, measure) : rawSqlite(work.resolve("raw50.db"), 50, measure);
            System.out.printf(Locale.ROOT, "| raw SQLite (ref): %s | – | %,.0f | %.1f | – |%n", ref.what(), ref.rowsPerSecond(),
                    ref.commitMicros());
        }
        long pending = call(home, Methods.STATUS, Json.object()).path("pending").asLong();
        System.out.printf(Locale.ROOT, "(all pushes stored: %,d ops pending in the outbox)%n", pending);
        Processes.stop(wokd);
    }

    private record Reference(String what, double rowsPerSecond, double commitMicros) {}

    /** The same commits without wokd: WAL, synchronous=FULL, {@code rowsPerCommit} rows per transaction. */
    private static Reference rawSqlite(Path file, int rowsPerCommit, Duration measure) throws Exception {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        try (Connection db = config.createConnection("jdbc:sqlite:" + file)) {
            try (Statement s = db.createStatement()) {
                s.execute("CREATE TABLE outbox (cseq INTEGER PRIMARY KEY, body TEXT NOT NULL, pushed_at INTEGER NOT NULL)");
            }
            db.setAutoCommit(false);
            long rows = 0;
            long commits = 0;
            long end = System.nanoTime() + measure.toNanos();
            try (PreparedStatement insert = db.prepareStatement("INSERT INTO outbox (cseq, body, pushed_at) VALUES (?, ?, ?)")) {
                while (System.nanoTime() < end) {
                    for (int i = 0; i < rowsPerCommit; i++) {
                        insert.setLong(1, ++rows);
                        insert.setString(2, "{\"text\":\"hello from the benchmark\",\"n\":42}");
                        insert.setLong(3, System.currentTimeMillis());
                        insert.executeUpdate();
                    }
                    db.commit();
                    commits++;
                }
            }
            double seconds = measure.toNanos() / 1e9;
            return new Reference(rowsPerCommit == 1 ? "one commit per row" : rowsPerCommit + " rows per commit",
                    rows / seconds, seconds * 1e6 / commits);
        }
    }

    // 2. Outbox → relay.

    private static void flush(Path root, Path work, List<Process> processes) throws Exception {
        int ops = 100_000;
        Path home = work.resolve("flush");
        int port = freePort();
        String url = "ws://127.0.0.1:" + port + "/sync";
        Process wokd = daemon(root, home, Map.of("WOK_UPSTREAM_URL", url), processes);
        LoadGenerator.Result filled = LoadGenerator.runCount(home.resolve("wokd.sock"), PUSH, 20, ops);
        System.out.printf(Locale.ROOT, "%n%,d ops pushed while the relay was down (%,.0f ops/s)%n", ops, filled.throughput());
        Process relay = startRelay(root, work.resolve("flush-relay"), port, processes);
        long begin = System.nanoTime();
        ObjectNode params = Json.object();
        params.put("timeout_ms", 600_000);
        call(home, Methods.SYNC_NOW, params);
        double seconds = (System.nanoTime() - begin) / 1e9;
        JsonNode status = call(home, Methods.STATUS, Json.object());
        Reference ref = rawRelayStore(work.resolve("raw-relay.db"), ops);
        System.out.println("\n| outbox → relay, 100,000 ops | ops/s | seconds |");
        System.out.println("|---|---:|---:|");
        System.out.printf(Locale.ROOT, "| wokd → wok-relay, acknowledged and pulled back (sync-now from connect) | %,.0f | %.2f |%n",
                ops / seconds, seconds);
        System.out.printf(Locale.ROOT, "| raw SQLite (ref): the relay's inserts alone, 1,000 per commit | %,.0f | %.2f |%n",
                ref.rowsPerSecond(), ops / ref.rowsPerSecond());
        System.out.printf(Locale.ROOT, "(after: %d pending, last server seq %d)%n", status.path("pending").asLong(),
                status.path("last_server_seq").asLong());
        Processes.stop(wokd);
        Processes.stop(relay);
    }

    private static Reference rawRelayStore(Path file, int ops) throws Exception {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        try (Connection db = config.createConnection("jdbc:sqlite:" + file)) {
            try (Statement s = db.createStatement()) {
                s.execute("CREATE TABLE ops (seq INTEGER PRIMARY KEY AUTOINCREMENT, client TEXT NOT NULL, cseq INTEGER NOT NULL,"
                        + " body TEXT NOT NULL, UNIQUE (client, cseq))");
            }
            db.setAutoCommit(false);
            long begin = System.nanoTime();
            try (PreparedStatement insert = db.prepareStatement("INSERT OR IGNORE INTO ops(client, cseq, body) VALUES (?, ?, ?)")) {
                for (int i = 1; i <= ops; i++) {
                    insert.setString(1, "a-client-id-of-the-usual-length-0000000");
                    insert.setLong(2, i);
                    insert.setString(3, "{\"text\":\"hello from the benchmark\",\"n\":42}");
                    insert.executeUpdate();
                    if (i % 1000 == 0) {
                        db.commit();
                    }
                }
                db.commit();
            }
            return new Reference("relay inserts", ops / ((System.nanoTime() - begin) / 1e9), 0);
        }
    }

    // 3. End to end.

    private static void endToEnd(Path root, Path work, Duration measure, List<Process> processes) throws Exception {
        int port = freePort();
        String url = "ws://127.0.0.1:" + port + "/sync";
        Process relay = startRelay(root, work.resolve("e2e-relay"), port, processes);
        Path a = work.resolve("a");
        Path b = work.resolve("b");
        daemon(root, a, Map.of("WOK_UPSTREAM_URL", url), processes);
        daemon(root, b, Map.of("WOK_UPSTREAM_URL", url), processes);
        call(a, Methods.SYNC_NOW, Json.object());
        call(b, Methods.SYNC_NOW, Json.object());
        Map<Long, Long> seen = new ConcurrentHashMap<>();
        Thread follower = new Thread(() -> {
            try (WokClient client = WokClient.connect(b.resolve("wokd.sock"), Duration.ofSeconds(2))) {
                ObjectNode params = Json.object();
                params.put("since", 0);
                params.put("follow", true);
                params.put("limit", 1);
                client.call(Methods.LOG, params, Duration.ofDays(1), event -> {
                    long at = System.nanoTime();
                    String body = RawJson.text(event.body().path(RawJson.BODY)).orElse("");
                    int i = body.indexOf("\"sent\":");
                    if (i >= 0) {
                        seen.put(Long.parseLong(body.substring(i + 7, body.indexOf('}', i))), at);
                    }
                });
            } catch (Exception e) {
                // ends when the benchmark stops the daemons
            }
        }, "follower");
        follower.setDaemon(true);
        follower.start();
        Thread.sleep(500);
        int rate = Integer.getInteger("wok.bench.rate", 1000);
        long total = measure.toSeconds() * rate;
        List<Long> sentAt = new ArrayList<>();
        try (WokClient pusher = WokClient.connect(a.resolve("wokd.sock"), Duration.ofSeconds(2))) {
            long start = System.nanoTime();
            for (long i = 0; i < total; i++) {
                long due = start + i * (1_000_000_000L / rate);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(wait);
                }
                long now = System.nanoTime();
                ObjectNode params = Json.object();
                params.putRawValue(RawJson.BODY, RawJson.value("{\"sent\":" + now + "}"));
                pusher.call(Methods.PUSH, params, Duration.ofSeconds(10));
                sentAt.add(now);
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (seen.size() < sentAt.size() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        long[] latencies = sentAt.stream().filter(seen::containsKey).mapToLong(t -> seen.get(t) - t).sorted().toArray();
        LoadGenerator.Result ping = LoadGenerator.run(a.resolve("wokd.sock"), LoadGenerator.Framing.FRAMES, "ping", 1,
                Duration.ofSeconds(1), Duration.ofSeconds(2));
        System.out.printf(Locale.ROOT, "%n| push on A → log --follow on B, %,d ops/s | ops | p50 ms | p99 ms | max ms |%n", rate);
        System.out.println("|---|---:|---:|---:|---:|");
        System.out.printf(Locale.ROOT, "| wokd A → wok-relay → wokd B | %,d of %,d | %.2f | %.2f | %.2f |%n", latencies.length,
                sentAt.size(), pct(latencies, 50) / 1e6, pct(latencies, 99) / 1e6, latencies[latencies.length - 1] / 1e6);
        System.out.printf(Locale.ROOT, "| ping on A (ref: one IPC round trip, back to back) | – | %.3f | %.3f | – |%n",
                ping.percentileMicros(50) / 1000, ping.percentileMicros(99) / 1000);
        long[] handoffs = handoffs(2000, 1_000_000 / rate);
        System.out.printf(Locale.ROOT, "| one thread waking another after %d µs idle (ref: the path has ~7 such handoffs) | – | %.3f | %.3f | – |%n",
                1_000_000 / rate, pct(handoffs, 50) / 1e6, pct(handoffs, 99) / 1e6);
        Processes.stop(relay);
    }

    /** How long a parked thread takes to run after another hands it work, when work comes every {@code gapMicros}. */
    private static long[] handoffs(int count, long gapMicros) throws Exception {
        java.util.concurrent.SynchronousQueue<Long> queue = new java.util.concurrent.SynchronousQueue<>();
        long[] delays = new long[count];
        Thread taker = new Thread(() -> {
            try {
                for (int i = 0; i < count; i++) {
                    long sent = queue.take();
                    delays[i] = System.nanoTime() - sent;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        taker.start();
        for (int i = 0; i < count; i++) {
            java.util.concurrent.locks.LockSupport.parkNanos(gapMicros * 1000);
            queue.put(System.nanoTime());
        }
        taker.join();
        java.util.Arrays.sort(delays);
        return delays;
    }

    private static long pct(long[] sorted, double p) {
        int index = (int) Math.min(sorted.length - 1, Math.ceil(p / 100.0 * sorted.length) - 1);
        return sorted[Math.max(0, index)];
    }

    // 4. Memory.

    private static void memory(Path root, Path work, List<Process> processes) throws Exception {
        Path empty = work.resolve("empty");
        Process idle = daemon(root, empty, Map.of(), processes);
        call(empty, Methods.STATUS, Json.object());
        long idleRss = Processes.rssKiB(idle.pid()) * 1024;
        Processes.stop(idle);

        Path full = work.resolve("full");
        Files.createDirectories(full);
        Files.setPosixFilePermissions(full, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        long begin = System.nanoTime();
        fillStore(full.resolve("wok.db"), 1_000_000, 100_000);
        System.out.printf(Locale.ROOT, "%n(store with 1,000,000 events and 100,000 pending written in %.1f s)%n",
                (System.nanoTime() - begin) / 1e9);
        Process loaded = daemon(root, full, Map.of(), processes);
        JsonNode status = call(full, Methods.STATUS, Json.object());
        ObjectNode page = Json.object();
        page.put("since", 500_000);
        page.put("limit", 100_000);
        try (WokClient client = WokClient.connect(full.resolve("wokd.sock"), Duration.ofSeconds(2))) {
            client.call(Methods.LOG, page, Duration.ofMinutes(5), event -> { });
        }
        long rss = Processes.rssKiB(loaded.pid()) * 1024;
        System.out.println("\n| daemon RSS | MiB |");
        System.out.println("|---|---:|");
        System.out.printf(Locale.ROOT, "| 1,000,000 events, %,d pending, after status and a 100,000-entry log read | %.1f |%n",
                status.path("pending").asLong(), rss / 1048576.0);
        System.out.printf(Locale.ROOT, "| empty store, after one status (ref) | %.1f |%n", idleRss / 1048576.0);
        Processes.stop(loaded);
    }

    /** Writes a store as wokd's schema has it, with {@code events} log entries and {@code pending} outbox ops. */
    private static void fillStore(Path file, int events, int pending) throws Exception {
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            try (Statement s = db.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("CREATE TABLE state (id INTEGER PRIMARY KEY CHECK (id = 1), client_id TEXT NOT NULL,"
                        + " next_cseq INTEGER NOT NULL, acked INTEGER NOT NULL, last_seq INTEGER NOT NULL, epoch TEXT)");
                s.execute("CREATE TABLE outbox (cseq INTEGER PRIMARY KEY, body TEXT NOT NULL, pushed_at INTEGER NOT NULL)");
                s.execute("CREATE TABLE events (seq INTEGER PRIMARY KEY, client TEXT NOT NULL, cseq INTEGER NOT NULL, body TEXT NOT NULL)");
                s.execute("PRAGMA user_version = 1");
                s.execute("INSERT INTO state VALUES (1, 'bench-client', " + (pending + 1) + ", 0, " + events + ", 'bench-epoch')");
            }
            db.setAutoCommit(false);
            try (PreparedStatement e = db.prepareStatement("INSERT INTO events VALUES (?, ?, ?, ?)")) {
                for (int i = 1; i <= events; i++) {
                    e.setLong(1, i);
                    e.setString(2, "other-client");
                    e.setLong(3, i);
                    e.setString(4, "{\"text\":\"an event of ordinary size\",\"n\":" + i + "}");
                    e.executeUpdate();
                }
            }
            try (PreparedStatement o = db.prepareStatement("INSERT INTO outbox VALUES (?, ?, ?)")) {
                for (int i = 1; i <= pending; i++) {
                    o.setLong(1, i);
                    o.setString(2, "{\"text\":\"a pending op\",\"n\":" + i + "}");
                    o.setLong(3, System.currentTimeMillis());
                    o.executeUpdate();
                }
            }
            db.commit();
        }
    }

    private static Process startRelay(Path root, Path data, int port, List<Process> processes) throws Exception {
        Process relay = Processes.startAndAwait(List.of(root.resolve("scripts/wok-relay").toString(), "--bind",
                "127.0.0.1:" + port, "--data", data.toString()), Map.of(), "listening on");
        processes.add(relay);
        return relay;
    }

    private static int freePort() throws Exception {
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    private static void row(String what, int clients, LoadGenerator.Result r) {
        System.out.printf(Locale.ROOT, "| %s | %d | %,.0f | %.1f | %.1f |%n", what, clients, r.throughput(),
                r.percentileMicros(50), r.percentileMicros(99));
    }
}
