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
 * installed, redis-benchmark PING over a Unix socket. At 100 clients wokd, the echo and a second echo take
 * turns for a few rounds, and each row also gives the server's CPU time per request. The second echo is the
 * same program as the first: how far its figures stray from the first's is how far this machine moves a
 * figure by itself (the noise floor any wokd / echo ratio is read against). Usage: {@code IpcBench [seconds]}.
 */
public final class IpcBench {
    /** {@code -Dbench.wokdOnly=true} skips the references, for quick before/after runs while tuning. */
    private static final boolean WOKD_ONLY = Boolean.getBoolean("bench.wokdOnly");
    /** {@code -Dbench.rounds=N}: how many times wokd and the echo take turns at 100 clients. */
    private static final int ROUNDS = Math.max(1, Integer.getInteger("bench.rounds", 5));
    private static final Duration SETTLE = Duration.ofSeconds(65);

    private IpcBench() {}

    public static void main(String[] args) throws Exception {
        Duration measure = Duration.ofSeconds(args.length > 0 ? Long.parseLong(args[0]) : 5);
        Duration warmup = Duration.ofSeconds(2);
        Path root = Processes.repoRoot();
        Path work = Files.createTempDirectory(Path.of("/tmp"), "wok-bench");
        List<String> rows = new ArrayList<>();
        Process wokd = null;
        Process echo = null;
        Process echoB = null;
        try {
            Path home = work.resolve("home");
            wokd = Processes.startAndAwait(List.of(root.resolve("scripts/wokd").toString(), "run"),
                    Map.of("WOK_HOME", home.toString()), "wokd ready");
            Path wokdSocket = home.resolve("wokd.sock");
            List<String> verdicts = new ArrayList<>();
            for (LoadGenerator.Framing framing : LoadGenerator.Framing.values()) {
                Path echoSocket = work.resolve("echo-" + framing + ".sock");
                echo = startEcho(echoSocket, framing);
                Path echoBSocket = work.resolve("echo-b-" + framing + ".sock");
                echoB = WOKD_ONLY ? null : startEcho(echoBSocket, framing);
                rows.add(row("wokd ping", framing, 1, LoadGenerator.run(wokdSocket, framing, "ping", 1, warmup, measure)));
                if (!WOKD_ONLY) {
                    rows.add(row("netty echo (ref)", framing, 1,
                            LoadGenerator.run(echoSocket, framing, "ping", 1, warmup, measure)));
                }
                // At 100 clients the load generator and the server share the two cores, and one row moves by
                // up to 1.6x between runs: so the servers take turns, and the verdict is the median ratio. The
                // order of the turns rotates from round to round: a turn runs slower right after wokd's.
                List<LoadGenerator.Result> wokdRounds = new ArrayList<>();
                List<LoadGenerator.Result> echoRounds = new ArrayList<>();
                List<LoadGenerator.Result> echoBRounds = new ArrayList<>();
                List<Turn> turns = new ArrayList<>(List.of(
                        new Turn("wokd ping", wokdSocket, wokd.pid(), wokdRounds)));
                if (!WOKD_ONLY) {
                    turns.add(new Turn("netty echo (ref)", echoSocket, echo.pid(), echoRounds));
                    turns.add(new Turn("netty echo, second (noise)", echoBSocket, echoB.pid(), echoBRounds));
                }
                for (int round = 0; round < ROUNDS; round++) {
                    for (int i = 0; i < turns.size(); i++) {
                        Turn turn = turns.get((round + i) % turns.size());
                        LoadGenerator.Result result = LoadGenerator.run(turn.socket(), framing, "ping", 100, warmup, measure,
                                turn.pid());
                        turn.results().add(result);
                        rows.add(row(turn.server(), framing, 100, result));
                    }
                }
                if (!WOKD_ONLY) {
                    verdicts.add(verdict("wokd / echo, ping, " + name(framing), wokdRounds, echoRounds));
                    verdicts.add(verdict("second echo / echo, " + name(framing) + " (noise floor)", echoBRounds, echoRounds));
                }
                rows.add(row("wokd status", framing, 100,
                        LoadGenerator.run(wokdSocket, framing, "status", 100, warmup, measure, wokd.pid())));
                Processes.stop(echo);
                Processes.stop(echoB);
                echo = null;
                echoB = null;
            }
            if (!WOKD_ONLY) {
                rows.addAll(redis(work));
            }
            long rss = Processes.rssKiB(wokd.pid());
            // What it settles at: the idle heap release needs 10-20 s of quiet, the native-heap trim runs every minute.
            Thread.sleep(SETTLE.toMillis());
            long settled = Processes.rssKiB(wokd.pid());
            System.out.println();
            System.out.println("| server | framing | clients | req/s | p50 µs | p99 µs | server CPU µs/req |");
            System.out.println("|---|---|---:|---:|---:|---:|---:|");
            rows.forEach(System.out::println);
            if (!verdicts.isEmpty()) {
                System.out.println();
                System.out.println("| 100 clients, " + ROUNDS + " alternating rounds: median (lowest–highest) | req/s | p99 | CPU per request |");
                System.out.println("|---|---:|---:|---:|");
                verdicts.forEach(System.out::println);
            }
            System.out.printf(Locale.ROOT, "%nwokd RSS right after the runs: %.1f MiB, %d s later: %.1f MiB (load generator on java %s)%n",
                    rss / 1024.0, SETTLE.toSeconds(), settled / 1024.0, System.getProperty("java.version"));
        } finally {
            Processes.stop(echo);
            Processes.stop(echoB);
            Processes.stop(wokd);
            Processes.deleteTree(work);
        }
    }

    /** One server's turn in a 100-client round, and where its results go. */
    private record Turn(String server, Path socket, long pid, List<LoadGenerator.Result> results) {}

    private static Process startEcho(Path socket, LoadGenerator.Framing framing) throws Exception {
        return Processes.startAndAwait(List.of(javaPath(), "-XX:+UseSerialGC", "-Xmx256m", "-cp",
                System.getProperty("java.class.path"), EchoServer.class.getName(), socket.toString(),
                framing == LoadGenerator.Framing.LINES ? "lines" : "frames"), Map.of(), "ready");
    }

    /** The ratios of {@code server}'s figures to {@code reference}'s in the same round, over the rounds. */
    private static String verdict(String label, List<LoadGenerator.Result> server, List<LoadGenerator.Result> reference) {
        double[] throughput = new double[server.size()];
        double[] p99 = new double[server.size()];
        double[] cpu = new double[server.size()];
        for (int i = 0; i < server.size(); i++) {
            throughput[i] = server.get(i).throughput() / reference.get(i).throughput();
            p99[i] = server.get(i).percentileMicros(99) / reference.get(i).percentileMicros(99);
            cpu[i] = server.get(i).serverCpuMicrosPerRequest() / reference.get(i).serverCpuMicrosPerRequest();
        }
        String line = String.format(Locale.ROOT, "| %s | %s | %s | %s |", label, spread(throughput), spread(p99), spread(cpu));
        System.err.println(line);
        return line;
    }

    private static String spread(double[] ratios) {
        double[] sorted = ratios.clone();
        java.util.Arrays.sort(sorted);
        return String.format(Locale.ROOT, "%.2f× (%.2f–%.2f)", median(ratios), sorted[0], sorted[sorted.length - 1]);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static String name(LoadGenerator.Framing framing) {
        return framing == LoadGenerator.Framing.LINES ? "JSON lines" : "binary";
    }

    private static String row(String server, LoadGenerator.Framing framing, int clients, LoadGenerator.Result r) {
        String line = String.format(Locale.ROOT, "| %s | %s | %d | %,.0f | %.1f | %.1f | %s |", server, name(framing),
                clients, r.throughput(), r.percentileMicros(50), r.percentileMicros(99),
                Double.isNaN(r.serverCpuSeconds()) ? "–" : String.format(Locale.ROOT, "%.2f", r.serverCpuMicrosPerRequest()));
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
                    rows.add(String.format(Locale.ROOT, "| redis PING_INLINE (ref) | inline | %d | %,.0f | %.1f | – | – |",
                            clients, Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)) * 1000));
                    System.err.println(rows.get(rows.size() - 1));
                }
            }
            return rows;
        } finally {
            Processes.stop(redis);
        }
    }

    static String javaPath() {
        return ProcessHandle.current().info().command().orElse("java");
    }
}
