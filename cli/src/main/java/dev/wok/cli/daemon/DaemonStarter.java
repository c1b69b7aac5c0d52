package dev.wok.cli.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wok.cli.CliException;
import dev.wok.cli.ExitCodes;
import dev.wok.protocol.Json;
import dev.wok.protocol.client.DaemonErrorException;
import dev.wok.protocol.client.WokClient;
import dev.wok.protocol.paths.WokPaths;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Starts wokd detached and waits for its readiness line, not for a guessed delay. Starters on one state
 * directory take turns on {@code start.lock}, and each checks for a running daemon once it has the lock,
 * so any number of racing starts leave exactly one daemon.
 */
public final class DaemonStarter {
    private static final String READY = "wokd ready ";
    private static final String FAILED = "wokd failed ";
    private static final List<String> SETSID = List.of("/usr/bin/setsid", "/bin/setsid");

    /** What a start did. */
    public record Started(long pid, boolean alreadyRunning, Duration took, Path socket, Path log) {}

    private final WokPaths paths;
    private final List<String> daemonCommand;
    private final Map<String, String> env;

    public DaemonStarter(WokPaths paths, List<String> daemonCommand, Map<String, String> env) {
        this.paths = paths;
        this.daemonCommand = List.copyOf(daemonCommand);
        this.env = Map.copyOf(env);
    }

    public Started start(Duration timeout) throws CliException {
        long begin = System.nanoTime();
        long deadline = begin + timeout.toNanos();
        var running = runningPid();
        if (running != null) {
            return new Started(running, true, Duration.ofNanos(System.nanoTime() - begin), paths.socket(), paths.logFile());
        }
        try (FileChannel lockChannel = openStartLock(); FileLock ignored = lockUntil(lockChannel, deadline)) {
            running = runningPid();
            if (running != null) {
                return new Started(running, true, Duration.ofNanos(System.nanoTime() - begin), paths.socket(), paths.logFile());
            }
            long pid = spawnAndAwaitReady(deadline);
            return new Started(pid, false, Duration.ofNanos(System.nanoTime() - begin), paths.socket(), paths.logFile());
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILURE, "cannot start wokd: " + e.getMessage(), e);
        }
    }

    /** The pid of a daemon that answers on the socket now, or null. */
    private Long runningPid() throws CliException {
        try (WokClient client = DaemonConnection.open(paths)) {
            return DaemonConnection.hello(client, "wokd-start").path("pid").asLong();
        } catch (IOException | DaemonErrorException e) {
            return null; // not answering (or not there): the caller starts one
        }
    }

    private FileChannel openStartLock() throws IOException {
        Path dir = paths.stateDir();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir.getParent());
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // Another starter made it first; fine.
            }
        }
        return FileChannel.open(paths.startLockFile(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    }

    private static FileLock lockUntil(FileChannel channel, long deadline) throws IOException, CliException {
        while (true) {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (java.nio.channels.OverlappingFileLockException heldInThisJvm) {
                lock = null;
            }
            if (lock != null) {
                return lock;
            }
            if (System.nanoTime() > deadline) {
                throw new CliException(ExitCodes.FAILURE, "another wokd start is still running; try again in a moment");
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException(ExitCodes.FAILURE, "interrupted while waiting for another start", e);
            }
        }
    }

    private long spawnAndAwaitReady(long deadline) throws IOException, CliException {
        List<String> command = new ArrayList<>();
        SETSID.stream().filter(p -> Files.isExecutable(Path.of(p))).findFirst().ifPresent(command::add);
        command.addAll(daemonCommand);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.PIPE)
                .redirectError(ProcessBuilder.Redirect.appendTo(paths.logFile().toFile()));
        builder.environment().putAll(env);
        Process process = builder.start();
        String line = readFirstLine(process, deadline);
        if (line != null && line.startsWith(READY)) {
            JsonNode ready = parse(line.substring(READY.length()));
            return ready.path("pid").asLong(process.pid());
        }
        if (line != null && line.startsWith(FAILED)) {
            JsonNode failed = parse(line.substring(FAILED.length()));
            if ("already_running".equals(failed.path("reason").asText())) {
                Long pid = runningPid();
                if (pid != null) {
                    return pid;
                }
            }
            throw new CliException(ExitCodes.FAILURE, "wokd could not start: " + failed.path("message").asText(line));
        }
        if (line == null && process.isAlive()) {
            process.destroy();
            throw new CliException(ExitCodes.FAILURE, "wokd did not report ready in time; it was stopped. See " + paths.logFile());
        }
        int exit = waitForExit(process);
        throw new CliException(ExitCodes.FAILURE, "wokd exited (code " + exit + ") before it was ready. See " + paths.logFile()
                + (line == null ? "" : "; it said: " + line));
    }

    private static String readFirstLine(Process process, long deadline) {
        BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> {
            try {
                return reader.readLine();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try {
            return first.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            first.cancel(true);
        }
    }

    private static int waitForExit(Process process) {
        try {
            return process.waitFor(5, TimeUnit.SECONDS) ? process.exitValue() : -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static JsonNode parse(String json) {
        try {
            return Json.mapper().readTree(json);
        } catch (IOException e) {
            return Json.object();
        }
    }
}
