package dev.wok.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * IPC throughput and latency of a real wokd process (started by the real launcher), 1 client sequential
 * and 100 concurrent, in each framing; beside a bare Netty echo on the same socket type and, when
 * installed, redis-benchmark PING over a Unix socket. Usage: {@code IpcBench [seconds]}.
 */
public final class IpcBench {
    /** {@code -Dbench.wokdOnly=true} skips the references, for quick before/after runs while tuning. */
    private static final boolean WOKD_ONLY = Boolean.getBoolean("bench.wokdOnly");

    private IpcBench() {}

    public static void main(String[] args) throws Exception {
        Duration measure = Duration.ofSeconds(args.length > 0 ? Long.parseLong(args[0]) : 5);
        Duration warmup = Duration.ofSeconds(2);
        Path root = Processes.repoRoot();
        Path work = Files.createTempDirectory(Path.of("/tmp"), "wok-bench");
        List<String> rows = new ArrayList<>();
        Process wokd = null;
        Process echo = null;
        try {
            Path home = work.resolve("home");
            wokd = Processes.startAndAwait(List.of(root.resolve("scripts/wokd").toString(), "run"),
                    Map.of("WOK_HOME", home.toString()), "wokd ready");
            Path wokdSocket = home.resolve("wokd.sock");
            for (LoadGenerator.Framing framing : LoadGenerator.Framing.values()) {
                Path echoSocket = work.resolve("echo-" + framing + ".sock");
                echo = Processes.startAndAwait(List.of(javaPath(), "-XX:+UseSerialGC", "-Xmx256m", "-cp",
                        System.getProperty("java.class.path"), EchoServer.class.getName(), echoSocket.toString(),
                        framing == LoadGenerator.Framing.LINES ? "lines" : "frames"), Map.of(), "ready");
                for (int clients : new int[] {1, 100}) {
                    rows.add(row("wokd ping", framing, clients,
                            LoadGenerator.run(wokdSocket, framing, "ping", clients, warmup, measure)));
                    if (!WOKD_ONLY) {
                        rows.add(row("netty echo (ref)", framing, clients,
                                LoadGenerator.run(echoSocket, framing, "ping", clients, warmup, measure)));
                    }
                }
                rows.add(row("wokd status", framing, 100,
                        LoadGenerator.run(wokdSocket, framing, "status", 100, warmup, measure)));
                Processes.stop(echo);
                echo = null;
            }
            if (!WOKD_ONLY) {
                rows.addAll(redis(work));
            }
            long rss = rssKiB(wokd.pid());
            System.out.println();
            System.out.println("| server | framing | clients | req/s | p50 µs | p99 µs |");
            System.out.println("|---|---|---:|---:|---:|---:|");
            rows.forEach(System.out::println);
            System.out.printf(Locale.ROOT, "%nwokd RSS after the runs: %.1f MiB (java %s)%n", rss / 1024.0,
                    System.getProperty("java.version"));
        } finally {
            Processes.stop(echo);
            Processes.stop(wokd);
            Processes.deleteTree(work);
        }
    }

    private static String row(String server, LoadGenerator.Framing framing, int clients, LoadGenerator.Result r) {
        String line = String.format(Locale.ROOT, "| %s | %s | %d | %,.0f | %.1f | %.1f |", server,
                framing == LoadGenerator.Framing.LINES ? "JSON lines" : "binary", clients, r.throughput(),
                r.percentileMicros(50), r.percentileMicros(99));
        System.err.println(line);
        return line;
    }

    /** redis-benchmark PING on a Unix socket, if Redis is installed: the reference in docs/BENCHMARKS.md. */
    private static List<String> redis(Path work) throws Exception {
        if (!Processes.onPath("redis-server") || !Processes.onPath("redis-benchmark")) {
            System.err.println("redis not installed: skipping the Redis reference");
            return List.of();
        }
        Path socket = work.resolve("redis.sock");
        Process redis = Processes.startAndAwait(List.of("redis-server", "--port", "0", "--unixsocket", socket.toString(),
                "--save", "", "--appendonly", "no"), Map.of(), "ready to accept connections");
        try {
            List<String> rows = new ArrayList<>();
            for (int clients : new int[] {1, 100}) {
                String out = Processes.run(List.of("redis-benchmark", "-s", socket.toString(), "-c", Integer.toString(clients),
                        "-n", clients == 1 ? "100000" : "500000", "-t", "ping", "-q"), Map.of());
                Matcher m = Pattern.compile("PING_INLINE: ([\\d.]+) requests per second, p50=([\\d.]+) msec").matcher(out);
                if (m.find()) {
                    rows.add(String.format(Locale.ROOT, "| redis PING_INLINE (ref) | inline | %d | %,.0f | %.1f | – |",
                            clients, Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)) * 1000));
                    System.err.println(rows.get(rows.size() - 1));
                }
            }
            return rows;
        } finally {
            Processes.stop(redis);
        }
    }

    private static long rssKiB(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (Exception e) {
            return -1;
        }
        return -1;
    }

    static String javaPath() {
        return ProcessHandle.current().info().command().orElse("java");
    }
}
