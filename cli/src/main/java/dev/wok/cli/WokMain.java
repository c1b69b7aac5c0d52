package dev.wok.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wok.cli.daemon.DaemonConnection;
import dev.wok.cli.status.StatusView;
import dev.wok.protocol.Json;
import dev.wok.protocol.Methods;
import dev.wok.protocol.WokVersion;
import dev.wok.protocol.client.DaemonUnavailableException;
import dev.wok.protocol.client.WokClient;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code wok}: the command-line client. Every command is answered by the running wokd. */
@Command(name = "wok", mixinStandardHelpOptions = true, versionProvider = WokMain.Version.class,
        description = "Talk to wokd, the wok sync daemon.",
        footer = {"", "Environment: WOK_HOME (one directory for socket, config and state), WOK_SOCKET, NO_COLOR.",
                "Exit codes: 0 ok, 1 failure, 2 usage, 3 wokd not running, 4 wokd not answering."},
        subcommands = {WokMain.Ping.class, WokMain.Status.class, StopCommand.class})
public final class WokMain extends TopLevelCommand {
    public WokMain(CliContext context) {
        super(context);
    }

    public static void main(String[] args) {
        System.exit(commandLine(CliContext.fromProcess()).execute(args));
    }

    public static CommandLine commandLine(CliContext context) {
        return Cli.configure(new CommandLine(new WokMain(context)), "wok");
    }

    @Command(name = "ping", mixinStandardHelpOptions = true, description = "Check that wokd answers, and how fast.")
    static final class Ping implements Callable<Integer> {
        @ParentCommand
        WokMain parent;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            try (WokClient client = DaemonConnection.open(parent.context().paths())) {
                long begin = System.nanoTime();
                client.call(Methods.PING, Json.object(), DaemonConnection.CALL_TIMEOUT);
                Duration took = Duration.ofNanos(System.nanoTime() - begin);
                spec.commandLine().getOut().printf("pong from wokd in %.2f ms%n", took.toNanos() / 1e6);
                return ExitCodes.OK;
            } catch (DaemonUnavailableException e) {
                throw DaemonConnection.unavailable(e);
            }
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = {"Show wokd's state: sync state, pid, uptime, clients, memory, socket and log.",
                    "Exits 3 when wokd is not running."})
    static final class Status implements Callable<Integer> {
        @ParentCommand
        WokMain parent;

        @Spec
        CommandSpec spec;

        @Option(names = "--json", description = "Print the status as one JSON object, for scripts.")
        boolean json;

        @Option(names = {"-w", "--watch"},
                description = "Then print one line per connection-state change until interrupted (JSON lines with --json).")
        boolean watch;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            JsonNode status;
            try {
                status = DaemonConnection.call(parent.context().paths(), Methods.STATUS, Json.object());
            } catch (DaemonUnavailableException e) {
                CliException failure = DaemonConnection.unavailable(e);
                if (json) {
                    ObjectNode down = Json.object();
                    down.put("state", "not_running");
                    down.put("reason", e.reason().name().toLowerCase(java.util.Locale.ROOT));
                    down.put("message", e.getMessage());
                    out.println(Json.mapper().writeValueAsString(down));
                    out.flush();
                    return failure.exitCode();
                }
                throw failure;
            }
            if (json) {
                out.println(Json.mapper().writeValueAsString(status));
            } else {
                out.print(StatusView.render(status, parent.context().colour()));
            }
            out.flush();
            if (watch) {
                return watch(out);
            }
            return ExitCodes.OK;
        }

        private int watch(PrintWriter out) throws Exception {
            try (WokClient client = DaemonConnection.open(parent.context().paths())) {
                client.call(Methods.WATCH, Json.object(), java.time.Duration.ofDays(3650), event -> {
                    try {
                        out.println(json ? Json.mapper().writeValueAsString(event.body())
                                : java.time.LocalTime.now().withNano(0) + " " + StatusView.stateLine(event.body(), parent.context().colour()));
                    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    out.flush();
                });
                return ExitCodes.OK;
            } catch (DaemonUnavailableException e) {
                if (e.reason() == DaemonUnavailableException.Reason.CONNECTION_LOST) {
                    out.println("wokd stopped");
                    out.flush();
                    return ExitCodes.NOT_RUNNING;
                }
                throw DaemonConnection.unavailable(e);
            }
        }
    }

    @Command(name = "connect", mixinStandardHelpOptions = true,
            description = {"Resume syncing now: skips any backoff wait, and retries after a failure",
                    "(e.g. once the token is fixed). Returns at once; see 'wok status --watch'."})
    int connect() throws Exception {
        return request(this, spec, Methods.CONNECT);
    }

    @Command(name = "disconnect", mixinStandardHelpOptions = true,
            description = {"Pause syncing: close the upstream connection and stop retrying until 'wok connect'.",
                    "Local clients are served as before."})
    int disconnect() throws Exception {
        return request(this, spec, Methods.DISCONNECT);
    }

    private static int request(WokMain parent, CommandSpec spec, String method) throws Exception {
        try {
            JsonNode answer = DaemonConnection.call(parent.context().paths(), method, Json.object());
            PrintWriter out = spec.commandLine().getOut();
            if (answer.path("state").asText().equals("disabled")) {
                out.println("no upstream is configured: set upstream.url in config.toml (or WOK_UPSTREAM_URL), then restart wokd or send it SIGHUP");
            } else {
                out.println(method + " requested; now " + StatusView.stateLine(answer, parent.context().colour()));
            }
            out.flush();
            return ExitCodes.OK;
        } catch (DaemonUnavailableException e) {
            throw DaemonConnection.unavailable(e);
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"wok " + WokVersion.version() + " (protocol " + WokVersion.PROTOCOL + ")"};
        }
    }
}
