package dev.wok.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Wall time of {@code wok status} against a running daemon, through the real launcher, beside the JVM
 * floor: an empty main started by the same launcher code with the same java and flags.
 * Usage: {@code StartupBench [runs]}; set WOK_JAVA to choose the JDK.
 */
public final class StartupBench {
    private StartupBench() {}

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        Path root = Processes.repoRoot();
        Path home = Files.createTempDirectory(Path.of("/tmp"), "wok-startup");
        Map<String, String> env = Map.of("WOK_HOME", home.toString());
        String wok = root.resolve("scripts/wok").toString();
        String wokd = root.resolve("scripts/wokd").toString();
        String emptyMain = "wok_name=bench; wok_here=" + root.resolve("scripts") + "; . \"$wok_here/wok-launcher.sh\";"
                + " wok_find_java; exec \"$wok_java\" $wok_client_flags -cp '" + System.getProperty("java.class.path")
                + "' " + EmptyMain.class.getName();
        try {
            double start = timeOnce(List.of(wokd, "start"), env);
            double[] status = time(List.of(wok, "status"), env, runs);
            double[] floor = time(List.of("sh", "-c", emptyMain), env, runs);
            String java = Processes.run(List.of("sh", "-c", "wok_name=bench; wok_here=" + root.resolve("scripts")
                    + "; . \"$wok_here/wok-launcher.sh\"; wok_find_java; \"$wok_java\" -version 2>&1 | head -1"), env).trim();
            System.out.println();
            System.out.println("java: " + java + "; runs: " + runs);
            System.out.println("| command | median ms | p90 ms |");
            System.out.println("|---|---:|---:|");
            System.out.printf(Locale.ROOT, "| wok status (daemon running) | %.1f | %.1f |%n", median(status), p90(status));
            System.out.printf(Locale.ROOT, "| empty main, same flags (ref) | %.1f | %.1f |%n", median(floor), p90(floor));
            System.out.printf(Locale.ROOT, "| ratio | %.2f× | |%n", median(status) / median(floor));
            System.out.printf(Locale.ROOT, "%nwokd start (cold, spawn to ready): %.0f ms%n", start);
        } finally {
            Processes.run(List.of(wokd, "stop"), env);
            Processes.deleteTree(home);
        }
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
