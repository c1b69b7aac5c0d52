package dev.wok.cli.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wok.cli.CliException;
import dev.wok.cli.ExitCodes;
import dev.wok.protocol.Json;
import dev.wok.protocol.client.DaemonErrorException;
import dev.wok.protocol.client.DaemonUnavailableException;
import dev.wok.protocol.client.WokClient;
import dev.wok.protocol.files.FileLocks;
import dev.wok.protocol.files.IoErrors;
import dev.wok.protocol.files.PrivateDirectory;
import dev.wok.protocol.paths.CurrentUser;
import dev.wok.protocol.paths.WokPaths;
import dev.wok.protocol.process.MarkerLine;
import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * Starts wokd detached and waits for its readiness line, not for a guessed delay. Starters on one state
 * directory take turns on {@code start.lock}, and each checks for a running daemon once it has the lock,
 * so any number of racing starts leave exactly one daemon.
 */
public final class DaemonStarter {
    static final String READY = "wokd ready ";
    static final String FAILED = "wokd failed ";
    /** The first line the detached daemon's shell prints, so that a start that times out can stop it. */
    static final String PID = "wokd-pid ";
    private static final List<String> SETSID = List.of("/usr/bin/setsid", "/bin/setsid");
    private static final Path ENV = Path.of("/usr/bin/env");
    /** Set by a service manager for its own children; a daemon started from here is not one of them. */
    private static final List<String> SERVICE_MANAGER_VARIABLES = List.of("INVOCATION_ID", "JOURNAL_STREAM");

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
        Long running = runningPid();
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
            throw new CliException(ExitCodes.FAILURE, "cannot start wokd: " + IoErrors.cause(e), e);
        }
    }

    /**
     * The pid of a daemon that answers on the socket now, or null when there is none. A wokd process that
     * holds the lock but does not answer is an error here: starting another could not help.
     */
    private Long runningPid() throws CliException {
        WokClient client;
        try {
            client = DaemonConnection.open(paths);
        } catch (DaemonUnavailableException e) {
            if (e.reason() == DaemonUnavailableException.Reason.ACCESS_DENIED) {
                throw new CliException(ExitCodes.FAILURE, e.getMessage(), e);
            }
            failIfStuck();
            return null; // not running, or a stale socket the new daemon will clear
        }
        try (client) {
            return DaemonConnection.hello(client, "wokd-start", DaemonConnection.ANSWER_TIMEOUT).path("pid").asLong();
        } catch (IOException | DaemonErrorException e) {
            failIfStuck();
            // Something accepts connections there, does not answer as wokd, and no wokd holds our lock:
            // another program. Its socket is not ours to take or delete.
            throw new CliException(ExitCodes.FAILURE, "another program listens on " + paths.socket() + " and does not"
                    + " answer as wokd; stop it, or give wokd a socket of its own with WOK_SOCKET");
        }
    }

    /** A wokd process that holds the lock but does not answer: starting another could not help. */
    private void failIfStuck() throws CliException {
        OptionalLong stuck = DaemonProcess.find(paths);
        if (stuck.isPresent()) {
            throw DaemonConnection.notAnswering(stuck.getAsLong(), paths);
        }
    }

    private FileChannel openStartLock() throws IOException, CliException {
        try {
            PrivateDirectory.prepare(paths.stateDir(), CurrentUser.uid(), "state");
        } catch (PrivateDirectory.UnsafeDirectoryException e) {
            throw new CliException(ExitCodes.FAILURE, e.getMessage(), e);
        }
        return FileChannel.open(paths.startLockFile(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    }

    private static FileLock lockUntil(FileChannel channel, long deadline) throws IOException, CliException {
        while (true) {
            FileLock lock = FileLocks.tryLock(channel);
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
        Optional<String> setsid = SETSID.stream().filter(p -> Files.isExecutable(Path.of(p))).findFirst();
        if (setsid.isPresent()) {
            // The daemon must not be this JVM's child: a live child keeps a JDK thread in waitpid(), and
            // HotSpot waits 0.3 s for threads in native code before it exits. So a shell starts it in the
            // background, in a session of its own (setsid; a background job is no group leader, so setsid
            // needs no --fork, which BusyBox lacks), it says its pid first, and the shell passes its output
            // on line by line (unbuffered, unlike sed into a pipe) up to the marker line, then ends; the
            // child we wait for is that shell.
            command.addAll(List.of("/bin/sh", "-c", "{ " + setsid.get() + " sh -c 'echo \"" + PID + "$$\"; exec \"$@\"'"
                    + " wokd-run \"$@\" & } | while IFS= read -r line; do printf '%s\\n' \"$line\"; case $line in '"
                    + READY + "'*|'" + FAILED + "'*) exit 0;; esac; done", "wokd-start"));
        }
        command.addAll(resetHangup());
        command.addAll(daemonCommand);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.PIPE)
                .redirectError(ProcessBuilder.Redirect.appendTo(paths.logFile().toFile()));
        builder.environment().putAll(env);
        SERVICE_MANAGER_VARIABLES.forEach(builder.environment()::remove);
        StartLog log = StartLog.mark(paths.logFile());
        Process process = builder.start();
        // The JVM may print before main (-Xlog, warnings): skip lines until the daemon's own.
        MarkerLine.Result said = MarkerLine.await(process, line -> line.startsWith(READY) || line.startsWith(FAILED), deadline);
        String line = said.marker().orElse(null);
        if (line != null && line.startsWith(READY)) {
            JsonNode ready = parse(line.substring(READY.length()));
            return ready.path("pid").asLong(process.pid());
        }
        if (line != null) {
            JsonNode failed = parse(line.substring(FAILED.length()));
            if ("already_running".equals(failed.path("reason").asText())) {
                Long pid = runningPid();
                if (pid != null) {
                    return pid;
                }
            }
            // Bad configuration or socket path: the user's to fix, like the exit code 2 of 'wokd run'.
            String reason = failed.path("reason").asText();
            boolean usage = reason.equals("bad_config") || reason.equals("socket_path_too_long");
            throw new CliException(usage ? ExitCodes.USAGE : ExitCodes.FAILURE,
                    "the daemon could not start: " + failed.path("message").asText(line));
        }
        List<String> before = said.before().stream().filter(printedLine -> !printedLine.startsWith(PID)).toList();
        String printed = before.isEmpty() ? "" : "; it printed: " + String.join(" | ", before);
        if (System.nanoTime() - deadline >= 0) {
            // Detached, the daemon is not our child: stop it by the pid it said first.
            said.before().stream().filter(printedLine -> printedLine.startsWith(PID)).findFirst()
                    .map(pidLine -> pidLine.substring(PID.length()).trim())
                    .flatMap(pid -> ProcessHandle.of(Long.parseLong(pid)))
                    .ifPresent(ProcessHandle::destroy);
            process.destroy();
            throw new CliException(ExitCodes.FAILURE, "wokd did not report ready in time; it was stopped. See "
                    + paths.logFile() + printed);
        }
        int exit = waitForExit(process);
        String code = setsid.isPresent() ? "" : " (code " + exit + ")";
        // A JVM that cannot start (an option it rejects, say) says why on stderr, which went to the log.
        String logged = log.lastLines();
        String why = logged.isEmpty() ? "" : "; its log ends: " + logged;
        throw new CliException(ExitCodes.FAILURE, "wokd exited" + code + " before it was ready" + why + ". See "
                + paths.logFile() + printed);
    }

    /**
     * A daemon must handle SIGHUP (reload), but the JVM installs no handler for a signal its parent
     * ignored: starting from a shell under nohup, a CI runner or some service wrappers would silently
     * lose it. coreutils' env resets the disposition before exec, where it can (coreutils 8.31+).
     */
    private static List<String> resetHangup() {
        if (!Files.isExecutable(ENV)) {
            return List.of();
        }
        try {
            Process probe = new ProcessBuilder(ENV.toString(), "--default-signal=HUP", "true")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (probe.waitFor(5, TimeUnit.SECONDS) && probe.exitValue() == 0) {
                return List.of(ENV.toString(), "--default-signal=HUP");
            }
            probe.destroyForcibly();
        } catch (IOException e) {
            // an env without the option: start as before, and wokd warns in its log if SIGHUP is ignored
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return List.of();
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
