package dev.wok.cli.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.wok.cli.CliException;
import dev.wok.cli.ExitCodes;
import dev.wok.protocol.WokVersion;
import dev.wok.protocol.client.DaemonErrorException;
import dev.wok.protocol.client.DaemonUnavailableException;
import dev.wok.protocol.client.WokClient;
import dev.wok.protocol.paths.WokPaths;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Gets a command a daemon to talk to: the running one if it answers and is not older than this client;
 * otherwise, when {@code [daemon] autostart} is on (the default), one it starts, or restarts when the one
 * there is stuck (at most twice, trying to connect 100, 500, 1,000 and 2,000 ms after each start). When
 * none can be had, {@link Unreachable} says why, so that the command can fall back (push spools) or fail
 * with the reason.
 */
public final class Delegation {
    private static final List<Duration> RETRIES =
            List.of(Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2));
    private static final int MAX_RESTARTS = 2;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    /** No daemon could be had; {@link #failure()} is what to tell the user, with the exit code. */
    public static final class Unreachable extends Exception {
        private final transient CliException failure;

        Unreachable(CliException failure) {
            super(failure.getMessage(), failure, false, false);
            this.failure = failure;
        }

        public CliException failure() {
            return failure;
        }
    }

    private final WokPaths paths;
    private final List<String> daemonCommand;
    private final Map<String, String> env;
    private final PrintWriter err;
    private final String clientName;

    /** @param err where one line goes when a daemon is started, restarted or newer than this client */
    public Delegation(WokPaths paths, List<String> daemonCommand, Map<String, String> env, PrintWriter err, String clientName) {
        this.paths = paths;
        this.daemonCommand = List.copyOf(daemonCommand);
        this.env = Map.copyOf(env);
        this.err = err;
        this.clientName = clientName;
    }

    /** An answering daemon of this client's version or newer, started or replaced as need be. */
    public WokClient connect() throws Unreachable, CliException {
        Attempt first = attempt();
        if (first.client != null) {
            int order = compare(first.hello);
            if (order >= 0) {
                if (order > 0) {
                    err.println("wok: wokd " + first.hello.path("version").asText() + " is newer than this wok ("
                            + WokVersion.version() + "); using it anyway, but update wok");
                    err.flush();
                }
                return first.client;
            }
            first.client.close();
            err.println("wok: wokd " + first.hello.path("version").asText() + " is older than this wok ("
                    + WokVersion.version() + "); restarting it");
            err.flush();
            DaemonStopper.stop(paths, Duration.ofSeconds(10));
        } else if (first.failure.exitCode() == ExitCodes.FAILURE || first.failure.exitCode() == ExitCodes.USAGE) {
            throw first.failure; // access denied, a socket path too long: starting cannot help
        }
        if (!autostart()) {
            throw new Unreachable(new CliException(first.failure.exitCode(), first.failure.getMessage()
                    + " ([daemon] autostart is off in " + paths.configFile() + ")"));
        }
        CliException last = first.failure;
        for (int start = 0; start <= MAX_RESTARTS; start++) {
            OptionalLong stuck = DaemonProcess.find(paths);
            if (stuck.isPresent()) {
                err.println("wok: wokd (pid " + stuck.getAsLong() + ") does not answer; restarting it");
                err.flush();
                DaemonStopper.stop(paths, Duration.ofSeconds(5));
            }
            try {
                DaemonStarter.Started started = new DaemonStarter(paths, daemonCommand, env).start(START_TIMEOUT);
                if (!started.alreadyRunning()) {
                    err.println("wok: started wokd (pid " + started.pid() + ")");
                    err.flush();
                }
            } catch (CliException e) {
                last = e;
                if (e.exitCode() == ExitCodes.USAGE) {
                    break; // a bad config or socket path: another start would fail the same way
                }
                continue;
            }
            for (Duration wait : RETRIES) {
                Attempt next = attempt();
                if (next.client != null) {
                    return next.client;
                }
                last = next.failure;
                sleep(wait);
            }
        }
        throw new Unreachable(last);
    }

    /** Whether {@code [daemon] autostart} is on; read only when no daemon answered, so the common path pays nothing. */
    public boolean autostart() {
        Path config = paths.configFile();
        if (!Files.isRegularFile(config)) {
            return true;
        }
        try {
            JsonNode value = new TomlMapper().readTree(config.toFile()).path("daemon").path("autostart");
            return !value.isBoolean() || value.asBoolean();
        } catch (IOException e) {
            return true; // a broken config stops the daemon's start with its own message
        }
    }

    private record Attempt(WokClient client, JsonNode hello, CliException failure) {}

    private Attempt attempt() throws CliException {
        WokClient client = null;
        try {
            client = DaemonConnection.open(paths);
            JsonNode hello = DaemonConnection.hello(client, clientName, DaemonConnection.ANSWER_TIMEOUT);
            return new Attempt(client, hello, null);
        } catch (DaemonUnavailableException e) {
            if (client != null) {
                client.close();
            }
            return new Attempt(null, null, DaemonConnection.unavailable(e, paths));
        } catch (IOException | DaemonErrorException e) {
            if (client != null) {
                client.close();
            }
            return new Attempt(null, null, new CliException(ExitCodes.NOT_ANSWERING, "wokd did not answer: " + e.getMessage(), e));
        }
    }

    /** Negative when the daemon is older than this client, positive when newer: by protocol first, then version. */
    public static int compare(JsonNode hello) {
        int protocol = Integer.compare(hello.path("protocol").asInt(0), WokVersion.PROTOCOL);
        if (protocol != 0) {
            return protocol;
        }
        return WokVersion.compare(hello.path("version").asText("0"), WokVersion.version());
    }

    private static void sleep(Duration wait) throws CliException {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.FAILURE, "interrupted while waiting for wokd", e);
        }
    }
}
