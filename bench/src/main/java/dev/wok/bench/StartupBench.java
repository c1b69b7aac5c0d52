package dev.wok.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Start-up of the client and the daemon through the real launchers, beside the JVM floor: an empty main
 * started by the same launcher code with the same java and flags, in the same run. Measures
 * {@code wok status} (with and without the start-up cache), {@code wok ping}, {@code wok ping} with no
 * daemon running (auto-start included), and {@code wokd start} to ready.
 * Usage: {@code StartupBench [runs]}; WOK_JAVA chooses the JDK, as for the launchers.
 */
public final class StartupBench {
    private StartupBench() {}

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        Path root = Processes.repoRoot();
        Path home = Files.createTempDirectory(Path.of("/tmp"), "wok-startup");
        Map<String, String> env = Map.of("WOK_HOME", home.toString());
        Map<String, String> noCache = Map.of("WOK_HOME", home.toString(), "WOK_NO_CACHE", "1");
        String wok = root.resolve("scripts/wok").toString();
        String wokd = root.resolve("scripts/wokd").toString();
        String launcher = "wok_name=bench; wok_here=" + root.resolve("scripts") + "; . \"$wok_here/wok-launcher.sh\"; wok_find_java; ";
        String emptyMain = launcher + "exec \"$wok_java\" $wok_client_flags -cp '" + root.resolve("bench/target/wok-bench.jar")
                + "' " + EmptyMain.class.getName();
        // The caches for this java, made now so that every figure below is of a warm install.
        Processes.run(List.of("sh", root.resolve("scripts/wok-cache").toString()), env);
        String java = Processes.run(List.of("sh", "-c", launcher + "\"$wok_java\" -version 2>&1 | head -1"), env).trim();
        try {
            double[] floor = time(List.of("sh", "-c", emptyMain), env, runs);
            double[] startToReady = new double[Math.max(5, runs / 4)];
            double[] pingCold = new double[startToReady.length];
            for (int i = 0; i < startToReady.length; i++) {
                startToReady[i] = timeOnce(List.of(wokd, "start"), env);
                Processes.run(List.of(wokd, "stop"), env);
                pingCold[i] = timeOnce(List.of(wok, "ping"), env);
                Processes.run(List.of(wokd, "stop"), env);
            }
            Arrays.sort(startToReady);
            Arrays.sort(pingCold);
            Processes.run(List.of(wokd, "start"), env);
            double[] status = time(List.of(wok, "status"), env, runs);
            double[] statusJson = time(List.of(wok, "status", "--json"), env, runs);
            double[] statusNoCache = time(List.of(wok, "status"), noCache, runs);
            double[] ping = time(List.of(wok, "ping"), env, runs);
            double[] pingNoCache = time(List.of(wok, "ping"), noCache, runs);
            System.out.println();
            System.out.println("java: " + java + "; runs: " + runs + " (" + startToReady.length + " for the cold ones)");
            System.out.println("| command | median ms | p90 ms | × empty main |");
            System.out.println("|---|---:|---:|---:|");
            row("empty main, same java and flags (ref)", floor, floor);
            row("wok status (daemon running)", status, floor);
            row("wok status --json", statusJson, floor);
            row("wok status, WOK_NO_CACHE=1", statusNoCache, floor);
            row("wok ping (daemon running)", ping, floor);
            row("wok ping, WOK_NO_CACHE=1", pingNoCache, floor);
            row("wok ping, no daemon (auto-start + answer)", pingCold, floor);
            row("wokd start, to ready (client included)", startToReady, floor);
        } finally {
            Processes.run(List.of(wokd, "stop"), env);
            Processes.deleteTree(home);
        }
    }

    private static void row(String what, double[] sorted, double[] floor) {
        System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %.2f |%n", what, median(sorted), p90(sorted), median(sorted) / median(floor));
    }

    private static double[] time(List<String> command, Map<String, String> env, int runs) throws Exception {
        timeOnce(command, env);
        timeOnce(command, env);
        double[] times = new double[runs];
        for (int i = 0; i < runs; i++) {
            times[i] = timeOnce(command, env);
        }
        Arrays.sort(times);
        return times;
    }

    private static double timeOnce(List<String> command, Map<String, String> env) throws Exception {
        long begin = System.nanoTime();
        Processes.run(new ArrayList<>(command), env);
        return (System.nanoTime() - begin) / 1e6;
    }

    private static double median(double[] sorted) {
        return sorted[sorted.length / 2];
    }

    private static double p90(double[] sorted) {
        return sorted[(int) Math.ceil(sorted.length * 0.9) - 1];
    }
}
