package dev.wok.cli.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wok.cli.CliException;
import dev.wok.cli.ExitCodes;
import dev.wok.protocol.Json;
import dev.wok.protocol.Methods;
import dev.wok.protocol.client.DaemonErrorException;
import dev.wok.protocol.client.WokClient;
import dev.wok.protocol.paths.WokPaths;
import dev.wok.protocol.process.Processes;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * Stops wokd and waits until its process is gone. A daemon that answers is asked to stop; one that holds
 * the lock but does not answer (stopped with SIGSTOP, or stuck) is sent SIGTERM, and SIGKILL if that is
 * not enough. Only a process that is wokd is ever signalled.
 */
public final class DaemonStopper {
    /** How the daemon went. */
    public enum How {
        /** It answered the shutdown request and exited. */
        ASKED,
        /** It did not answer; SIGTERM (and SIGCONT, in case it was stopped) ended it. */
        TERMINATED,
        /** Nothing else worked: SIGKILL. */
        KILLED
    }

    /** What a stop did: the pid that stopped and how, or empty when nothing was running. */
    public record Stopped(Optional<Long> pid, How how, Duration took) {}

    private static final Duration TERM_GRACE = Duration.ofSeconds(5);

    private DaemonStopper() {}

    public static Stopped stop(WokPaths paths, Duration timeout) throws CliException {
        long begin = System.nanoTime();
        OptionalLong asked = askToStop(paths);
        if (asked.isPresent()) {
            long pid = asked.getAsLong();
            if (awaitGone(pid, System.nanoTime() + timeout.toNanos())) {
                return new Stopped(Optional.of(pid), How.ASKED, Duration.ofNanos(System.nanoTime() - begin));
            }
            return force(pid, begin);
        }
        OptionalLong stuck = DaemonProcess.find(paths);
        if (stuck.isEmpty()) {
            return new Stopped(Optional.empty(), How.ASKED, Duration.ofNanos(System.nanoTime() - begin));
        }
        return force(stuck.getAsLong(), begin);
    }

    /** The pid of a daemon that accepted the shutdown request; empty when none answered. */
    private static OptionalLong askToStop(WokPaths paths) throws CliException {
        try (WokClient client = DaemonConnection.open(paths)) {
            JsonNode answer = client.call(Methods.SHUTDOWN, Json.object(), DaemonConnection.ANSWER_TIMEOUT);
            return OptionalLong.of(answer.path("pid").asLong());
        } catch (IOException | DaemonErrorException e) {
            return OptionalLong.empty();
        }
    }

    private static Stopped force(long pid, long begin) throws CliException {
        ProcessHandle process = ProcessHandle.of(pid).orElse(null);
        if (process == null || !Processes.alive(pid)) {
            return new Stopped(Optional.of(pid), How.ASKED, Duration.ofNanos(System.nanoTime() - begin));
        }
        process.destroy();
        signal(pid, "CONT"); // a stopped process handles SIGTERM only once it runs again
        if (awaitGone(pid, System.nanoTime() + TERM_GRACE.toNanos())) {
            return new Stopped(Optional.of(pid), How.TERMINATED, Duration.ofNanos(System.nanoTime() - begin));
        }
        process.destroyForcibly();
        if (awaitGone(pid, System.nanoTime() + TERM_GRACE.toNanos())) {
            return new Stopped(Optional.of(pid), How.KILLED, Duration.ofNanos(System.nanoTime() - begin));
        }
        throw new CliException(ExitCodes.FAILURE, "wokd (pid " + pid + ") survived SIGKILL; check it with: ps -o stat,cmd -p " + pid);
    }

    private static void signal(long pid, String name) {
        try {
            new ProcessBuilder("kill", "-" + name, Long.toString(pid)).start().waitFor(2, TimeUnit.SECONDS);
        } catch (IOException e) {
            // No kill command: SIGKILL below still ends a stopped process.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits until the process has exited. An exited process whose parent has not reaped it yet (a
     * zombie: the daemon was orphaned by its starter) counts as gone; only its parent can clear it.
     */
    private static boolean awaitGone(long pid, long deadline) throws CliException {
        while (Processes.alive(pid)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException(ExitCodes.FAILURE, "interrupted while waiting for wokd to stop", e);
            }
        }
        return true;
    }
}
