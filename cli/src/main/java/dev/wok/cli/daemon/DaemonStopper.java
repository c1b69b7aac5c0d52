package dev.wok.cli.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wok.cli.CliException;
import dev.wok.cli.ExitCodes;
import dev.wok.protocol.Json;
import dev.wok.protocol.Methods;
import dev.wok.protocol.client.DaemonErrorException;
import dev.wok.protocol.client.DaemonUnavailableException;
import dev.wok.protocol.client.WokClient;
import dev.wok.protocol.paths.WokPaths;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.nio.file.Files;
import java.nio.file.Path;

/** Asks wokd to stop and waits until its process is gone. */
public final class DaemonStopper {
    /** What a stop did: the pid that stopped, or empty when nothing was running. */
    public record Stopped(Optional<Long> pid, Duration took) {}

    private DaemonStopper() {}

    /**
     * Waits until the process has exited. An exited process whose parent has not reaped it yet (a
     * zombie: the daemon was orphaned by its starter) counts as gone; only its parent can clear it.
     */
    private static void awaitGone(long pid, long deadline, WokPaths paths, Duration timeout) throws CliException {
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && !isZombie(pid)) {
            if (System.nanoTime() > deadline) {
                throw new CliException(ExitCodes.FAILURE, "wokd (pid " + pid + ") is still stopping after "
                        + timeout.toSeconds() + " s; see " + paths.logFile() + ", or end it with: kill " + pid);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException(ExitCodes.FAILURE, "interrupted while waiting for wokd to stop", e);
            }
        }
    }

    private static boolean isZombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            int afterName = stat.lastIndexOf(')');
            return afterName > 0 && afterName + 2 < stat.length() && stat.charAt(afterName + 2) == 'Z';
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    public static Stopped stop(WokPaths paths, Duration timeout) throws CliException {
        long begin = System.nanoTime();
        long pid;
        try (WokClient client = DaemonConnection.open(paths)) {
            JsonNode answer = client.call(Methods.SHUTDOWN, Json.object(), DaemonConnection.CALL_TIMEOUT);
            pid = answer.path("pid").asLong();
        } catch (DaemonUnavailableException e) {
            if (e.reason() == DaemonUnavailableException.Reason.NOT_RUNNING
                    || e.reason() == DaemonUnavailableException.Reason.STALE_SOCKET) {
                return new Stopped(Optional.empty(), Duration.ofNanos(System.nanoTime() - begin));
            }
            throw DaemonConnection.unavailable(e);
        } catch (IOException | DaemonErrorException e) {
            throw new CliException(ExitCodes.FAILURE, "wokd did not accept the shutdown: " + e.getMessage(), e);
        }
        awaitGone(pid, System.nanoTime() + timeout.toNanos(), paths, timeout);
        return new Stopped(Optional.of(pid), Duration.ofNanos(System.nanoTime() - begin));
    }
}
