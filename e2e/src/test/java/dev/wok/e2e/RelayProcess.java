package dev.wok.e2e;

import dev.wok.protocol.process.MarkerLine;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real wok-relay process on loopback, so tests can kill, freeze and restart it. Its stderr (its log) is
 * kept in a file beside its data, for the message of a test that fails.
 */
final class RelayProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on ws://127\\.0\\.0\\.1:(\\d+)/sync");

    final Process process;
    final int port;
    final Path log;

    private RelayProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    static RelayProcess start(Path data, int port, Path tokenFile, String... extraArgs) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"), "-XX:+UseSerialGC", "-Xmx128m",
                "-XX:+ExitOnOutOfMemoryError"));
        // sqlite-jdbc unpacks its library into /tmp at every start unless told where a copy is; a relay the
        // test kills would leave that copy there for good.
        command.addAll(Build.sqliteFromNativeCopies());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.wok.relay.RelayMain",
                "--bind", "127.0.0.1:" + port, "--data", data.toString()));
        if (tokenFile != null) {
            command.add("--token-file");
            command.add(tokenFile.toString());
        }
        command.addAll(List.of(extraArgs));
        Path log = data.resolveSibling(data.getFileName() + ".relay.log");
        Process process = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        MarkerLine.Result said = MarkerLine.await(process, line -> LISTENING.matcher(line).find(),
                System.nanoTime() + TimeUnit.SECONDS.toNanos(60));
        if (said.marker().isPresent()) {
            Matcher m = LISTENING.matcher(said.marker().get());
            m.find();
            return new RelayProcess(process, Integer.parseInt(m.group(1)), log);
        }
        process.destroyForcibly();
        String tail = tail(log);
        Files.deleteIfExists(log);
        throw new IOException("wok-relay did not start: " + String.join(" | ", said.before()) + "; its log: " + tail);
    }

    /** The end of the relay's log, for failure messages. */
    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    String log() {
        return tail(log);
    }

    boolean alive() {
        return process.isAlive();
    }

    String url() {
        return "ws://127.0.0.1:" + port + "/sync";
    }

    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    void signal(String name) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start().waitFor(10, TimeUnit.SECONDS);
    }

    /** Stops the relay and removes its log, which sits beside its data directory (outside a test's @TempDir). */
    @Override
    public void close() throws Exception {
        signal("CONT");
        kill();
        Files.deleteIfExists(log);
    }
}
