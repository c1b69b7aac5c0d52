package dev.wok.bench;

import dev.wok.protocol.process.MarkerLine;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** Starting the servers under test as separate processes, and cleaning up after them. */
final class Processes {
    private Processes() {}

    static Path repoRoot() {
        return Path.of(System.getProperty("wok.repo.root", ".")).toAbsolutePath().normalize();
    }

    /** Starts {@code command} and returns once it printed a line containing {@code readyMarker}. */
    static Process startAndAwait(List<String> command, Map<String, String> env, String readyMarker) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().putAll(env);
        Process process = builder.start();
        MarkerLine.Result said = MarkerLine.await(process, line -> line.contains(readyMarker),
                System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60));
        if (said.marker().isPresent()) {
            return process;
        }
        process.destroyForcibly();
        throw new IOException(command + " was not ready within 60 s (exit " + waitExit(process) + "); it printed: " + said.before());
    }

    static String run(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().putAll(env);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        return output;
    }

    /** Resident memory of process {@code pid} in KiB, from /proc/PID/status. */
    static long rssKiB(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new IOException("no VmRSS for pid " + pid);
    }

    /**
     * CPU time (user + system, all threads) process {@code pid} has used, from /proc/PID/stat in clock
     * ticks; NaN for a pid below 0 or one that cannot be read.
     */
    static double cpuSeconds(long pid) {
        if (pid < 0) {
            return Double.NaN;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // After the command name in parentheses (which may hold spaces): state is field 3, utime 14, stime 15.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / (double) clockTicksPerSecond();
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    private static long clockTicks;

    private static synchronized long clockTicksPerSecond() throws IOException {
        if (clockTicks == 0) {
            try {
                clockTicks = Long.parseLong(run(List.of("getconf", "CLK_TCK"), Map.of()).trim());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted asking getconf for CLK_TCK", e);
            }
        }
        return clockTicks;
    }

    static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    static void stop(Process process) throws InterruptedException {
        if (process != null) {
            process.destroy();
            process.waitFor();
        }
    }

    static void deleteTree(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static int waitExit(Process process) {
        try {
            return process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
