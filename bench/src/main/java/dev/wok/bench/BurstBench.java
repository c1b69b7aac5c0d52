package dev.wok.bench;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * wokd's memory through a burst and after it: idle, right after two rounds of 100 clients each sending a
 * 1 MiB JSON line at once, then every few seconds while it is quiet again. Run twice: as the launcher
 * starts wokd, and with what gives memory back turned off (the serial collector's default stepwise
 * shrinking, and {@code System.gc()} disabled). The reference beside it: a bare JVM with the daemon's
 * flags, on the same java, doing nothing. Usage: {@code BurstBench [seconds-to-watch-after]}.
 */
public final class BurstBench {
    private static final int CLIENTS = 100;
    private static final int ROUNDS = 2;

    private BurstBench() {}

    public static void main(String[] args) throws Exception {
        int watchSeconds = args.length > 0 ? Integer.parseInt(args[0]) : 120;
        Path root = Processes.repoRoot();
        // The start-up cache, made now: wokd's idle memory is measured as an install runs it.
        String cache = Processes.run(List.of("sh", root.resolve("scripts/wok-cache").toString()), Map.of());
        if (!cache.contains("made in")) {
            throw new IllegalStateException("scripts/wok-cache could not make the start-up cache: " + cache);
        }
        Path work = Files.createTempDirectory(Path.of("/tmp"), "wok-burst");
        try {
            List<String> rows = new ArrayList<>();
            String java = null;
            for (Variant variant : Variant.values()) {
                Run run = run(root, work.resolve(variant.name()), variant, watchSeconds);
                java = run.java;
                rows.add(run.row(variant.label));
                System.err.println(rows.get(rows.size() - 1));
            }
            long floor = bareJvm(java);
            System.out.println();
            System.out.println("| wokd (" + java + ") | idle MiB | after the bursts | +30 s | +60 s | +" + watchSeconds
                    + " s | back within 8 MiB of idle after |");
            System.out.println("|---|---:|---:|---:|---:|---:|---:|");
            rows.forEach(System.out::println);
            System.out.printf(Locale.ROOT, "| a bare JVM with wokd's heap, collector and stack flags (ref) | %.1f | | | | | |%n", floor / 1024.0);
        } finally {
            Processes.deleteTree(work);
        }
    }

    enum Variant {
        AS_LAUNCHED("as launched", ""),
        NO_RELEASE("no release (stepwise shrink, System.gc() off)", "-XX:+ShrinkHeapInSteps -XX:+DisableExplicitGC");

        final String label;
        final String javaOpts;

        Variant(String label, String javaOpts) {
            this.label = label;
            this.javaOpts = javaOpts;
        }
    }

    private record Run(String java, long idle, long afterBurst, List<long[]> samples, int watchSeconds) {
        String row(String label) {
            String recovered = "not within " + watchSeconds + " s";
            for (long[] sample : samples) {
                if (sample[1] <= idle + 8 * 1024) {
                    recovered = sample[0] + " s";
                    break;
                }
            }
            return String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %.1f | %.1f | %s |", label, idle / 1024.0,
                    afterBurst / 1024.0, at(30) / 1024.0, at(60) / 1024.0, at(watchSeconds) / 1024.0, recovered);
        }

        long at(int second) {
            long value = afterBurst;
            for (long[] sample : samples) {
                if (sample[0] <= second) {
                    value = sample[1];
                }
            }
            return value;
        }
    }

    private static Run run(Path root, Path home, Variant variant, int watchSeconds) throws Exception {
        Process wokd = Processes.startAndAwait(List.of(root.resolve("scripts/wokd").toString(), "run"),
                Map.of("WOK_HOME", home.toString(), "WOKD_JAVA_OPTS", variant.javaOpts), "wokd ready");
        try {
            Path socket = home.resolve("wokd.sock");
            String java = ProcessHandle.of(wokd.pid()).flatMap(p -> p.info().command()).orElse("?");
            send(socket, "{\"id\":1,\"method\":\"ping\"}\n".getBytes(StandardCharsets.UTF_8));
            // Idle as it settles: past the JIT's start-up and the first native-heap trim (every 10 s).
            TimeUnit.SECONDS.sleep(15);
            long idle = Processes.rssKiB(wokd.pid());
            byte[] line = largeLine();
            for (int round = 0; round < ROUNDS; round++) {
                burst(socket, line);
            }
            long after = Processes.rssKiB(wokd.pid());
            System.err.printf(Locale.ROOT, "%s: idle %d KiB, after %d KiB%n", variant.label, idle, after);
            List<long[]> samples = new ArrayList<>();
            long start = System.nanoTime();
            for (int second = 5; second <= watchSeconds; second += 5) {
                long due = start + TimeUnit.SECONDS.toNanos(second);
                TimeUnit.NANOSECONDS.sleep(Math.max(0, due - System.nanoTime()));
                samples.add(new long[] {second, Processes.rssKiB(wokd.pid())});
            }
            return new Run(java, idle, after, samples, watchSeconds);
        } finally {
            Processes.stop(wokd);
        }
    }

    /** One ping with 1 MiB of params, many tiny values: the largest line wokd takes, costly to parse. */
    private static byte[] largeLine() {
        StringBuilder line = new StringBuilder("{\"id\":1,\"method\":\"ping\",\"params\":{\"a\":[0");
        while (line.length() < (1 << 20) - 64) {
            line.append(",0");
        }
        return line.append("]}}\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void burst(Path socket, byte[] line) throws Exception {
        ExecutorService senders = Executors.newFixedThreadPool(CLIENTS);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                done.add(senders.submit(() -> {
                    go.await();
                    send(socket, line);
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            senders.shutdownNow();
        }
    }

    /** Sends one request and reads the start of its answer (or sees the connection closed). */
    private static void send(Path socket, byte[] request) {
        try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            client.connect(UnixDomainSocketAddress.of(socket));
            client.write(ByteBuffer.wrap(request));
            client.read(ByteBuffer.allocate(4096));
        } catch (IOException refusedOrClosed) {
            // Refused for the shared budget and closed: that is an answer too.
        }
    }

    private static long bareJvm(String java) throws Exception {
        Process bare = Processes.startAndAwait(List.of(java, "-XX:+UseSerialGC", "-Xms16m", "-Xmx128m", "-Xss512k",
                "-XX:-UsePerfData", "-cp", System.getProperty("java.class.path"), IdleMain.class.getName()), Map.of(),
                "idle ready");
        try {
            TimeUnit.SECONDS.sleep(5);
            return Processes.rssKiB(bare.pid());
        } finally {
            Processes.stop(bare);
        }
    }
}
