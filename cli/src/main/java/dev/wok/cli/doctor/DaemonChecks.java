package dev.wok.cli.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wok.cli.daemon.DaemonConnection;
import dev.wok.cli.daemon.DaemonProcess;
import dev.wok.cli.daemon.Delegation;
import dev.wok.protocol.Json;
import dev.wok.protocol.Methods;
import dev.wok.protocol.WokVersion;
import dev.wok.protocol.api.ConnectionStatus;
import dev.wok.protocol.api.DaemonStatus;
import dev.wok.protocol.client.DaemonErrorException;
import dev.wok.protocol.client.DaemonUnavailableException;
import dev.wok.protocol.client.WokClient;
import dev.wok.protocol.config.WokConfig;
import dev.wok.protocol.paths.SocketPathTooLongException;
import dev.wok.protocol.paths.WokPaths;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The running wokd: there, answering in time, of this wok's version, and what it says of its own upstream
 * connection. Talks to the socket directly: unlike other commands, doctor never starts or restarts a daemon.
 */
final class DaemonChecks {
    private static final String GROUP = "daemon";

    private DaemonChecks() {}

    /** @param config what config.toml says now, when it could be read */
    static List<Check> run(WokPaths paths, Optional<WokConfig> config, Duration timeout) {
        List<Check> checks = new ArrayList<>();
        try {
            paths.checkSocketPathLength();
        } catch (SocketPathTooLongException e) {
            checks.add(Check.skip(GROUP, "wokd", "the socket path is too long to connect to"));
            checks.add(Check.skip(GROUP, "wokd's upstream", "wokd was not reached"));
            return checks;
        }
        DaemonStatus status;
        long begin = System.nanoTime();
        try (WokClient client = WokClient.connect(paths.socket(), timeout)) {
            JsonNode answer = DaemonConnection.hello(client, "wok doctor", timeout);
            double ms = (System.nanoTime() - begin) / 1e6;
            status = DaemonStatus.readFrom(client.call(Methods.STATUS, Json.object(), timeout));
            String version = answer.path("version").asText("?");
            int protocol = answer.path("protocol").asInt(0);
            if (Delegation.compare(answer) != 0) {
                checks.add(Check.fail(GROUP, "wokd", "wokd " + version + " (protocol " + protocol + ", pid " + status.pid()
                        + ") runs, but this wok is " + WokVersion.version() + " (protocol " + WokVersion.PROTOCOL + ")",
                        "run the wokd that came with this wok: wokd restart"));
            } else {
                checks.add(Check.pass(GROUP, "wokd", String.format(Locale.ROOT, "running (pid %d, version %s), answered in %.1f ms",
                        status.pid(), version, ms)));
            }
        } catch (DaemonUnavailableException e) {
            checks.add(unreachable(e, paths, config, timeout));
            checks.add(Check.skip(GROUP, "wokd's upstream", "wokd was not reached"));
            return checks;
        } catch (IOException | DaemonErrorException e) {
            checks.add(notAnswering(paths, timeout, e.getMessage()));
            checks.add(Check.skip(GROUP, "wokd's upstream", "wokd was not reached"));
            return checks;
        }
        checks.add(upstreamOf(status.connection(), config));
        return checks;
    }

    private static Check unreachable(DaemonUnavailableException e, WokPaths paths, Optional<WokConfig> config, Duration timeout) {
        return switch (e.reason()) {
            case NOT_RUNNING, STALE_SOCKET -> {
                OptionalLong stuck = DaemonProcess.find(paths);
                if (stuck.isPresent()) {
                    yield notAnswering(paths, timeout, e.getMessage());
                }
                if (config.isPresent() && !config.get().autostart()) {
                    yield Check.fail(GROUP, "wokd", "not running, and [daemon] autostart is off in " + paths.configFile(),
                            "start it: wokd start (or install it as a service: wokd install-service --now)");
                }
                yield Check.pass(GROUP, "wokd", "not running; the next wok command starts it");
            }
            case ACCESS_DENIED -> Check.fail(GROUP, "wokd", e.getMessage(),
                    "use a socket of your own: unset WOK_SOCKET, or set WOK_HOME to a directory of yours");
            case NOT_ANSWERING, CONNECTION_LOST -> notAnswering(paths, timeout, e.getMessage());
        };
    }

    private static Check notAnswering(WokPaths paths, Duration timeout, String why) {
        OptionalLong pid = DaemonProcess.find(paths);
        return Check.fail(GROUP, "wokd", "wokd" + (pid.isPresent() ? " (pid " + pid.getAsLong() + ")" : "")
                + " does not answer on " + paths.socket() + " within " + timeout.toMillis() + " ms: " + why,
                "restart it: wokd restart (its log: wokd logs -n 50)");
    }

    private static Check upstreamOf(ConnectionStatus connection, Optional<WokConfig> config) {
        String name = "wokd's upstream";
        Optional<String> configured = config.flatMap(c -> c.upstream().redactedUrl());
        Optional<String> used = connection.upstreamUrl();
        if (config.isPresent() && !configured.equals(used)) {
            return Check.fail(GROUP, name, "wokd syncs with " + used.orElse("no upstream") + ", but the config now says "
                    + configured.orElse("no upstream"), "have wokd read its config again: wokd reload");
        }
        String error = connection.lastError().map(e -> ": " + e).orElse("");
        return switch (connection.state()) {
            case CONNECTED -> Check.pass(GROUP, name, "connected to " + used.orElse("?")
                    + connection.connectedSince().map(t -> " since " + t).orElse(""));
            case DISABLED -> Check.pass(GROUP, name, "none: wokd keeps everything local");
            case DISCONNECTED -> Check.pass(GROUP, name, "paused by 'wok disconnect'; resume with: wok connect");
            case FAILED -> Check.fail(GROUP, name, "wokd gave up on " + used.orElse("?") + error,
                    "fix the cause (the upstream checks below help), then: wok connect");
            case CLOSING, CLOSED -> Check.fail(GROUP, name, "wokd is stopping", "start it again: wokd start");
            case CONNECTING, RECONNECTING, SUSPENDED -> Check.fail(GROUP, name, "not connected to " + used.orElse("?") + " ("
                    + connection.detail() + ", attempt " + connection.attempt() + ")" + error,
                    "see the upstream checks below; wokd keeps trying, and 'wok connect' tries at once");
        };
    }
}
