package dev.wok.bench;

import dev.wok.protocol.Json;
import dev.wok.protocol.Methods;
import dev.wok.protocol.client.WokClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Two connector figures from the targets in docs/BENCHMARKS.md, with real processes started by the real launchers:
 * {@code status} latency while connected (the reference) and while the upstream hangs on the upgrade;
 * and the time from a relay restart (close 1001) to connected again. Usage: {@code UpstreamBench [seconds]}.
 */
public final class UpstreamBench {
    private UpstreamBench() {}

    public static void main(String[] args) throws Exception {
        Duration measure = Duration.ofSeconds(args.length > 0 ? Long.parseLong(args[0]) : 5);
        Path root = Processes.repoRoot();
        Path work = Files.createTempDirectory(Path.of("/tmp"), "wok-upbench");
        List<Process> processes = new ArrayList<>();
        List<Socket> hung = new CopyOnWriteArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                while (true) {
                    try {
                        hung.add(silent.accept());
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();

            Relay relay = Relay.start(root, work.resolve("relay"), 0);
            processes.add(relay.process);
            Path connectedHome = work.resolve("connected");
            processes.add(Processes.startAndAwait(List.of(root.resolve("scripts/wokd").toString(), "run"),
                    Map.of("WOK_HOME", connectedHome.toString(), "WOK_UPSTREAM_URL", relay.url()), "wokd ready"));
            Path hangingHome = work.resolve("hanging");
            processes.add(Processes.startAndAwait(List.of(root.resolve("scripts/wokd").toString(), "run"),
                    Map.of("WOK_HOME", hangingHome.toString(),
                            "WOK_UPSTREAM_URL", "ws://127.0.0.1:" + silent.getLocalPort() + "/sync"), "wokd ready"));
            awaitState(connectedHome.resolve("wokd.sock"), "connected", Duration.ofSeconds(20));

            List<String> rows = new ArrayList<>();
            for (int clients : new int[] {1, 10}) {
                LoadGenerator.Result connected = LoadGenerator.run(connectedHome.resolve("wokd.sock"),
                        LoadGenerator.Framing.FRAMES, "status", clients, Duration.ofSeconds(2), measure);
                rows.add(row("connected (ref)", clients, connected));
                LoadGenerator.Result hanging = LoadGenerator.run(hangingHome.resolve("wokd.sock"),
                        LoadGenerator.Framing.FRAMES, "status", clients, Duration.ofSeconds(2), measure);
                rows.add(row("upstream hanging on upgrade", clients, hanging));
            }
            System.out.println();
            System.out.println("| status while | clients | req/s | p50 µs | p99 µs |");
            System.out.println("|---|---:|---:|---:|---:|");
            rows.forEach(System.out::println);
            System.out.println("\n(hanging relay accepted " + hung.size() + " TCP connections during the runs)");

            double[] reconnect = new double[5];
            double[] total = new double[5];
            for (int i = 0; i < reconnect.length; i++) {
                long stopAt = System.nanoTime();
                relay.process.destroy(); // SIGTERM: the relay closes sessions with 1001
                relay.process.waitFor();
                relay = Relay.start(root, work.resolve("relay"), relay.port);
                processes.add(relay.process);
                long listening = System.nanoTime();
                awaitState(connectedHome.resolve("wokd.sock"), "connected", Duration.ofSeconds(30));
                long connected = System.nanoTime();
                reconnect[i] = (connected - listening) / 1e6;
                total[i] = (connected - stopAt) / 1e6;
            }
            Arrays.sort(reconnect);
            Arrays.sort(total);
            System.out.printf(Locale.ROOT, "%nrelay restart → connected, 5 restarts: median %.0f ms, max %.0f ms after the new"
                    + " relay listens (median %.0f ms from SIGTERM, relay JVM start included)%n",
                    reconnect[2], reconnect[4], total[2]);
        } finally {
            for (Process p : processes) {
                Processes.stop(p);
            }
            for (Socket s : hung) {
                s.close();
            }
            Processes.deleteTree(work);
        }
    }

    private static String row(String what, int clients, LoadGenerator.Result r) {
        String line = String.format(Locale.ROOT, "| %s | %d | %,.0f | %.1f | %.1f |", what, clients, r.throughput(),
                r.percentileMicros(50), r.percentileMicros(99));
        System.err.println(line);
        return line;
    }

    /** Polls status every 5 ms (this is a measurement, not a test) until the state is reached. */
    private static void awaitState(Path socket, String state, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try (WokClient client = WokClient.connect(socket, Duration.ofSeconds(1))) {
                if (state.equals(client.call(Methods.STATUS, Json.object(), Duration.ofSeconds(1)).path("state").asText())) {
                    return;
                }
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException("wokd did not reach " + state + " within " + timeout);
    }

    private record Relay(Process process, int port) {
        String url() {
            return "ws://127.0.0.1:" + port + "/sync";
        }

        static Relay start(Path root, Path data, int port) throws IOException {
            int chosen = port;
            if (chosen == 0) {
                try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                    chosen = probe.getLocalPort();
                }
            }
            Process process = Processes.startAndAwait(List.of(root.resolve("scripts/wok-relay").toString(), "--bind",
                    "127.0.0.1:" + chosen, "--data", data.toString()), Map.of(), "listening on");
            return new Relay(process, chosen);
        }
    }
}
