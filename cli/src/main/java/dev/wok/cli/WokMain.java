package dev.wok.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wok.cli.daemon.DaemonConnection;
import dev.wok.cli.daemon.Delegation;
import dev.wok.cli.status.StatusView;
import dev.wok.protocol.Json;
import dev.wok.protocol.Methods;
import dev.wok.protocol.api.ConnectionState;
import dev.wok.protocol.api.ConnectionStatus;
import dev.wok.protocol.client.DaemonUnavailableException;
import dev.wok.protocol.client.WokClient;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code wok}: the command-line client. Every command is answered by the running wokd. */
@Command(name = "wok", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, usageHelpAutoWidth = true,
        description = "Talk to wokd, the wok sync daemon.",
        footer = {"", "Environment: WOK_HOME (one directory for socket, config and state), WOK_SOCKET,",
                "  NO_COLOR.",
                "Exit codes: 0 ok, 1 failure, 2 usage or bad input, 3 wokd not running,",
                "  4 wokd not answering, 5 timed out, 6 not connected (no upstream configured,",
                "  or credentials refused), 7 outbox full, 8 store cannot be written."})
public final class WokMain extends TopLevelCommand {
    /** The subcommands besides the methods below (connect, disconnect), in the order help lists them. */
    private static final Map<String, Class<?>> SUBCOMMANDS = new LinkedHashMap<>();

    static {
        SUBCOMMANDS.put("push", SyncCommands.Push.class);
        SUBCOMMANDS.put("log", SyncCommands.Log.class);
        SUBCOMMANDS.put("sync-now", SyncCommands.SyncNow.class);
        SUBCOMMANDS.put("status", StatusCommand.class);
        SUBCOMMANDS.put("ping", WokMain.Ping.class);
        SUBCOMMANDS.put("stop", StopCommand.class);
        SUBCOMMANDS.put("socket-path", WokMain.SocketPath.class);
        SUBCOMMANDS.put("doctor", DoctorCommand.class);
        SUBCOMMANDS.put("help", CommandLine.HelpCommand.class);
        SUBCOMMANDS.put("generate-completion", picocli.AutoComplete.GenerateCompletion.class);
    }

    public WokMain(CliContext context) {
        super(context);
    }

    public static void main(String[] args) {
        System.exit(commandLine(CliContext.fromProcess(), args).execute(args));
    }

    /** With every subcommand. */
    public static CommandLine commandLine(CliContext context) {
        return commandLine(context, new String[0]);
    }

    /** With the subcommand {@code args} name, or every one when they name none. */
    public static CommandLine commandLine(CliContext context, String[] args) {
        return Cli.build(new WokMain(context), "wok", SUBCOMMANDS, args);
    }

    @Command(name = "ping", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            header = "Check that wokd answers, and how fast.",
            description = "Check that wokd answers, and how fast: the round trip on the socket, timed after one"
                    + " warm-up call, so that the client's own start-up is not counted.")
    static final class Ping implements Callable<Integer> {
        @ParentCommand
        WokMain parent;

        @Spec
        CommandSpec spec;

        @Option(names = {"-c", "--count"}, defaultValue = "1", paramLabel = "N",
                description = "Ping N times, then print min/avg/max (default: ${DEFAULT-VALUE}).")
        int count;

        @Option(names = "--json", description = "Print {\"pongs\":N,\"min_ms\":…,\"avg_ms\":…,\"max_ms\":…}.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            if (count < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--count must be at least 1, got " + count);
            }
            PrintWriter out = spec.commandLine().getOut();
            try (WokClient client = parent.context().delegation(spec.commandLine().getErr()).connect()) {
                double min = Double.MAX_VALUE;
                double max = 0;
                double sum = 0;
                for (int i = 1; i <= count; i++) {
                    long begin = System.nanoTime();
                    client.call(Methods.PING, Json.object(), DaemonConnection.ANSWER_TIMEOUT);
                    double ms = (System.nanoTime() - begin) / 1e6;
                    min = Math.min(min, ms);
                    max = Math.max(max, ms);
                    sum += ms;
                    if (json) {
                        continue;
                    }
                    if (count == 1) {
                        out.printf(Locale.ROOT, "pong from wokd in %.3f ms%n", ms);
                    } else {
                        out.printf(Locale.ROOT, "pong from wokd: seq=%d time=%.3f ms%n", i, ms);
                    }
                }
                if (json) {
                    ObjectNode result = Json.object();
                    result.put("pongs", count);
                    result.put("min_ms", min);
                    result.put("avg_ms", sum / count);
                    result.put("max_ms", max);
                    JsonOut.print(out, result);
                } else if (count > 1) {
                    out.printf(Locale.ROOT, "%d pongs: min/avg/max = %.3f/%.3f/%.3f ms%n", count, min, sum / count, max);
                }
                out.flush();
                return ExitCodes.OK;
            } catch (DaemonUnavailableException e) {
                throw DaemonConnection.unavailable(e, parent.context().paths());
            } catch (Delegation.Unreachable e) {
                throw e.failure();
            }
        }
    }

    @Command(name = "socket-path", mixinStandardHelpOptions = true,
            header = "Print the path of wokd's socket.",
            description = "Print the path of wokd's socket (for socat, nc -U, or your own client). It follows WOK_HOME,"
                    + " WOK_SOCKET and XDG_RUNTIME_DIR, as wokd does; it does not ask wokd.")
    static final class SocketPath implements Callable<Integer> {
        @ParentCommand
        WokMain parent;

        @Spec
        CommandSpec spec;

        @Option(names = "--json", description = "Print {\"socket\":\"…\"}.")
        boolean json;

        @Override
        public Integer call() {
            if (json) {
                ObjectNode result = Json.object();
                result.put("socket", parent.context().paths().socket().toString());
                JsonOut.print(spec.commandLine().getOut(), result);
            } else {
                spec.commandLine().getOut().println(parent.context().paths().socket());
                spec.commandLine().getOut().flush();
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "connect", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            header = "Resume syncing now and show the outcome.",
            description = "Resume syncing now: skips any backoff wait, and retries after a failure (e.g. once the token is"
                    + " fixed). Waits for the outcome and shows it: exits 0 when connected, 6 when refused or no"
                    + " upstream is configured, 5 when still trying after --timeout.")
    int connect(@Option(names = "--timeout", defaultValue = "10s", converter = Cli.DurationConverter.class,
            paramLabel = "DURATION", description = "How long to wait for the outcome (default: ${DEFAULT-VALUE}).")
                Duration timeout,
                @Option(names = "--json", description = "Print the connection fields as one JSON object.") boolean json)
            throws Exception {
        ObjectNode params = Json.object();
        params.put("wait_ms", timeout.toMillis());
        ConnectionStatus status = request(Methods.CONNECT, params, timeout.plus(DaemonConnection.ANSWER_TIMEOUT));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectNode fields = Json.object();
            status.writeTo(fields);
            JsonOut.print(out, fields);
            return status.state() == ConnectionState.CONNECTED ? ExitCodes.OK
                    : status.state() == ConnectionState.FAILED ? ExitCodes.NOT_CONNECTED : ExitCodes.TIMEOUT;
        }
        out.println(view().stateWithError(status));
        if (status.state() == ConnectionState.CONNECTED) {
            out.flush();
            return ExitCodes.OK;
        }
        if (status.state() == ConnectionState.FAILED) {
            out.flush();
            return ExitCodes.NOT_CONNECTED;
        }
        out.println("not connected within " + timeout.toSeconds() + " s; wokd keeps trying (follow it with: wok status --watch)");
        out.flush();
        return ExitCodes.TIMEOUT;
    }

    @Command(name = "disconnect", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            header = "Pause syncing until 'wok connect'.",
            description = "Pause syncing: close the upstream connection and stop retrying until 'wok connect'. Local"
                    + " clients are served as before.")
    int disconnect(@Option(names = "--json", description = "Print the connection fields as one JSON object.") boolean json)
            throws Exception {
        ConnectionStatus status = request(Methods.DISCONNECT, Json.object(), DaemonConnection.ANSWER_TIMEOUT);
        if (json) {
            ObjectNode fields = Json.object();
            status.writeTo(fields);
            JsonOut.print(spec.commandLine().getOut(), fields);
        } else {
            spec.commandLine().getOut().println(view().stateLine(status));
            spec.commandLine().getOut().flush();
        }
        return ExitCodes.OK;
    }

    private StatusView view() {
        return new StatusView(context().colour(), context().glyphs());
    }

    private ConnectionStatus request(String method, ObjectNode params, Duration timeout) throws Exception {
        try (WokClient client = context().delegation(spec.commandLine().getErr()).connect()) {
            return ConnectionStatus.readFrom(client.call(method, params, timeout));
        } catch (DaemonUnavailableException e) {
            throw DaemonConnection.unavailable(e, context().paths());
        } catch (Delegation.Unreachable e) {
            throw e.failure();
        }
    }
}
