package dev.wok.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wok.cli.daemon.DaemonConnection;
import dev.wok.cli.daemon.DaemonProcess;
import dev.wok.cli.daemon.Delegation;
import dev.wok.protocol.spool.Spool;
import dev.wok.cli.status.StatusView;
import dev.wok.protocol.Json;
import dev.wok.protocol.Methods;
import dev.wok.protocol.api.ConnectionState;
import dev.wok.protocol.api.ConnectionStatus;
import dev.wok.protocol.api.DaemonStatus;
import dev.wok.protocol.api.WatchEvents;
import dev.wok.protocol.client.DaemonUnavailableException;
import dev.wok.protocol.client.WokClient;
import dev.wok.protocol.paths.WokPaths;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.LocalTime;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code wok status}: the daemon's state, once, as it changes ({@code --watch}), or once it is reached ({@code --wait}). */
@Command(name = "status", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            header = "Show wokd's sync state, pid, uptime, clients, memory, socket and log.",
            description = "Show wokd's state: sync state, pid, uptime, clients, memory, socket and log. Exits 3 when wokd"
                    + " is not running, 4 when it runs but does not answer.")
final class StatusCommand implements Callable<Integer> {
    private static final Duration FOREVER = Duration.ofDays(3650);

    @ParentCommand
    ContextHolder parent;

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print the status as one JSON object, for scripts.")
    boolean json;

    @Option(names = {"-w", "--watch"},
            description = "Then print one line per change of state or error until wokd stops (JSON lines with --json).")
    boolean watch;

    @Option(names = "--wait", paramLabel = "STATE",
            description = {"Wait until the connection is in STATE (e.g. connected), then print the status.",
                    "Exits 5 after --timeout, and 6 at once when waiting for connected is hopeless",
                    "(no upstream configured, or credentials refused)."})
    ConnectionState waitFor;

    @Option(names = "--timeout", defaultValue = "30s", converter = Cli.DurationConverter.class, paramLabel = "DURATION",
            description = "How long --wait waits (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--start", description = "Start wokd first if it is not running (status alone never starts it).")
    boolean start;

    /** Ends a watch from inside its event callback, with the exit code and what to say. */
    private static final class Outcome extends RuntimeException {
        final int exitCode;
        final String message;

        Outcome(int exitCode, String message) {
            super(message, null, false, false);
            this.exitCode = exitCode;
            this.message = message;
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        WokPaths paths = parent.context().paths();
        if (start) {
            try {
                parent.context().delegation(spec.commandLine().getErr()).connect().close();
            } catch (Delegation.Unreachable e) {
                throw e.failure();
            }
        }
        if (waitFor != null) {
            int waited = waitForState(paths, out);
            if (waited != ExitCodes.OK) {
                return waited;
            }
        }
        JsonNode status;
        try {
            status = DaemonConnection.call(paths, Methods.STATUS, Json.object(), DaemonConnection.ANSWER_TIMEOUT);
        } catch (DaemonUnavailableException e) {
            return down(e, paths, out);
        }
        if (json) {
            out.println(Json.mapper().writeValueAsString(status));
        } else {
            out.print(view().render(DaemonStatus.readFrom(status)));
        }
        out.flush();
        return watch ? watch(paths, out) : ExitCodes.OK;
    }

    private StatusView view() {
        return new StatusView(parent.context().colour(), parent.context().glyphs());
    }

    /** Not running or not answering, with the ops waiting in the spool: in JSON too, so a script always gets an object. */
    private int down(DaemonUnavailableException e, WokPaths paths, PrintWriter out) throws Exception {
        CliException failure = DaemonConnection.unavailable(e, paths);
        int spooled = new Spool(paths.spoolDir()).count();
        if (!json) {
            if (spooled == 0) {
                throw failure;
            }
            throw new CliException(failure.exitCode(), failure.getMessage() + "; " + spooled + " op" + (spooled == 1 ? " waits" : "s wait")
                    + " in the spool (" + paths.spoolDir() + ") for wokd's next start");
        }
        ObjectNode down = Json.object();
        boolean hung = failure.exitCode() == ExitCodes.NOT_ANSWERING;
        down.put("state", hung ? "not_answering" : "not_running");
        down.put("reason", hung ? "not_answering" : e.reason().name().toLowerCase(Locale.ROOT));
        OptionalLong pid = DaemonProcess.find(paths);
        if (pid.isPresent()) {
            down.put("pid", pid.getAsLong());
        }
        down.put("spooled", spooled);
        down.put("message", failure.getMessage());
        out.println(Json.mapper().writeValueAsString(down));
        out.flush();
        return failure.exitCode();
    }

    private int waitForState(WokPaths paths, PrintWriter out) throws Exception {
        ConnectionStatus[] last = new ConnectionStatus[1];
        try (WokClient client = DaemonConnection.open(paths)) {
            client.call(Methods.WATCH, Json.object(), timeout, event -> {
                if (WatchEvents.isStopping(event.body())) {
                    throw new Outcome(ExitCodes.NOT_RUNNING, "wokd stopped while waiting for " + waitFor.label());
                }
                ConnectionStatus status = ConnectionStatus.readFrom(event.body());
                last[0] = status;
                if (status.state() == waitFor) {
                    throw new Outcome(ExitCodes.OK, "");
                }
                if (waitFor == ConnectionState.CONNECTED && status.state() == ConnectionState.DISABLED) {
                    throw new Outcome(ExitCodes.NOT_CONNECTED, "wokd has no upstream configured (state disabled), so it"
                            + " will never connect: set [upstream] url in " + paths.configFile()
                            + " (or WOK_UPSTREAM_URL when starting wokd), then run: wokd reload");
                }
                if (waitFor == ConnectionState.CONNECTED && status.state() == ConnectionState.FAILED) {
                    throw new Outcome(ExitCodes.NOT_CONNECTED, "the upstream refused wokd (state failed): "
                            + status.lastError().orElse("no reason given") + "; fix it, then run: wok connect");
                }
            });
            throw new Outcome(ExitCodes.NOT_RUNNING, "wokd ended the watch while waiting for " + waitFor.label());
        } catch (Outcome outcome) {
            if (outcome.exitCode != ExitCodes.OK) {
                spec.commandLine().getErr().println("wok: " + outcome.message);
                spec.commandLine().getErr().flush();
            }
            return outcome.exitCode;
        } catch (DaemonUnavailableException e) {
            if (last[0] != null && e.reason() == DaemonUnavailableException.Reason.NOT_ANSWERING) {
                spec.commandLine().getErr().println("wok: still " + last[0].detail() + " after " + timeout.toSeconds()
                        + " s, not " + waitFor.label() + last[0].lastError().map(err -> " (last error: " + err + ")").orElse("")
                        + "; wokd keeps trying");
                spec.commandLine().getErr().flush();
                return ExitCodes.TIMEOUT;
            }
            return down(e, paths, out);
        }
    }

    /** One line per change of state or error; the daemon sends only changes, and a repeat is skipped here too. */
    private int watch(WokPaths paths, PrintWriter out) throws Exception {
        StatusView view = view();
        Object[] shown = new Object[1];
        try (WokClient client = DaemonConnection.open(paths)) {
            client.call(Methods.WATCH, Json.object(), FOREVER, event -> {
                JsonNode body = event.body();
                if (json) {
                    print(out, body);
                } else if (WatchEvents.isStopping(body)) {
                    out.println(LocalTime.now().withNano(0) + " wokd is stopping");
                } else {
                    ConnectionStatus status = ConnectionStatus.readFrom(body);
                    Object key = java.util.List.of(status.state(), status.attempt(), status.lastError());
                    if (!Objects.equals(key, shown[0])) {
                        shown[0] = key;
                        out.println(LocalTime.now().withNano(0) + " " + view.stateLine(status)
                                + status.lastError().map(e -> " (" + e + ")").orElse(""));
                    }
                }
                out.flush();
            });
            return ExitCodes.OK;
        } catch (DaemonUnavailableException e) {
            if (e.reason() == DaemonUnavailableException.Reason.CONNECTION_LOST) {
                out.println("lost the connection to wokd: it stopped");
                out.flush();
                return ExitCodes.NOT_RUNNING;
            }
            throw DaemonConnection.unavailable(e, paths);
        }
    }

    private static void print(PrintWriter out, JsonNode body) {
        try {
            out.println(Json.mapper().writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
