package dev.wok.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wok.cli.daemon.DaemonConnection;
import dev.wok.cli.daemon.DaemonStarter;
import dev.wok.cli.daemon.DaemonStopper;
import dev.wok.cli.status.StatusView;
import dev.wok.protocol.api.ConnectionStatus;
import dev.wok.protocol.Json;
import dev.wok.protocol.Methods;
import dev.wok.protocol.client.DaemonUnavailableException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code wokd start|stop|status}: managing the daemon from a shell, without loading it. {@code wokd run}
 * is the daemon itself; the launcher runs it directly, and this class only forwards to it.
 */
@Command(name = "wokd", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, usageHelpAutoWidth = true,
        description = "Start, stop and check wokd, the wok sync daemon.",
        footer = {"", "Environment: WOK_HOME (one directory for socket, config and state), WOK_SOCKET.",
                "Exit codes: 0 ok, 1 failure, 2 usage or bad config,",
                "  3 when not running, 4 when running but not answering (as 'status' reports)."})
public final class WokdClientMain extends TopLevelCommand {
    /** In the order help lists them. */
    private static final Map<String, Class<?>> SUBCOMMANDS = new LinkedHashMap<>();

    static {
        SUBCOMMANDS.put("start", WokdClientMain.Start.class);
        SUBCOMMANDS.put("stop", StopCommand.class);
        SUBCOMMANDS.put("restart", WokdClientMain.Restart.class);
        SUBCOMMANDS.put("status", WokdClientMain.Status.class);
        SUBCOMMANDS.put("reload", WokdClientMain.Reload.class);
        SUBCOMMANDS.put("run", WokdClientMain.Run.class);
        SUBCOMMANDS.put("logs", LogsCommand.class);
        SUBCOMMANDS.put("install-service", ServiceCommands.Install.class);
        SUBCOMMANDS.put("uninstall-service", ServiceCommands.Uninstall.class);
        SUBCOMMANDS.put("help", CommandLine.HelpCommand.class);
        SUBCOMMANDS.put("generate-completion", picocli.AutoComplete.GenerateCompletion.class);
    }

    public WokdClientMain(CliContext context) {
        super(context);
    }

    /** The default of 'wokd start --timeout'. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    public static void main(String[] args) {
        if (args.length == 1 && args[0].equals("start")) {
            // What scripts, services and users run most: nothing to parse, so picocli, whose Java 5 class
            // files no start-up cache can hold, is not loaded (about a tenth of a second).
            System.exit(start(CliContext.fromProcess()));
        }
        System.exit(commandLine(CliContext.fromProcess(), args).execute(args));
    }

    private static int start(CliContext context) {
        try {
            return startAndReport(context, START_TIMEOUT, new PrintWriter(System.out, true), false);
        } catch (CliException e) {
            System.err.println(CliException.errorLine("wokd", e.getMessage()));
            return e.exitCode();
        }
    }

    /** With every subcommand. */
    public static CommandLine commandLine(CliContext context) {
        return commandLine(context, new String[0]);
    }

    /** With the subcommand {@code args} name, or every one when they name none. */
    public static CommandLine commandLine(CliContext context, String[] args) {
        return Cli.build(new WokdClientMain(context), "wokd", SUBCOMMANDS, args);
    }

    @Command(name = "start", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            header = "Start wokd in the background and wait until it answers.",
            description = "Start wokd in the background and wait until it answers. Succeeds when it is already"
                    + " running; fails (exit 4) when a wokd runs but does not answer: see 'wokd restart'.")
    static final class Start implements Callable<Integer> {
        @ParentCommand
        WokdClientMain parent;

        @Spec
        CommandSpec spec;

        // The same as START_TIMEOUT, which 'wokd start' without options uses.
        @Option(names = "--timeout", defaultValue = "30s", converter = Cli.DurationConverter.class, paramLabel = "DURATION",
                description = "How long to wait for the daemon to be ready (default: ${DEFAULT-VALUE}).")
        Duration timeout;

        @Option(names = "--json", description = "Print {\"pid\":…,\"already_running\":…,\"took_ms\":…,\"socket\":…,\"log\":…}.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            return startAndReport(parent.context(), timeout, spec.commandLine().getOut(), json);
        }
    }

    static ObjectNode toJson(DaemonStarter.Started started) {
        ObjectNode result = Json.object();
        result.put("pid", started.pid());
        result.put("already_running", started.alreadyRunning());
        result.put("took_ms", started.took().toMillis());
        result.put("socket", started.socket().toString());
        result.put("log", started.log().toString());
        return result;
    }

    static int startAndReport(CliContext context, Duration timeout, PrintWriter out, boolean json) throws CliException {
        DaemonStarter.Started started = new DaemonStarter(context.paths(), context.daemonCommand(), context.env())
                .start(timeout);
        if (json) {
            JsonOut.print(out, toJson(started));
            return ExitCodes.OK;
        }
        if (started.alreadyRunning()) {
            out.printf("wokd is already running (pid %d)%n", started.pid());
        } else {
            out.printf("wokd started (pid %d) in %d ms%n  socket %s%n  log    %s%n", started.pid(),
                    started.took().toMillis(), started.socket(), started.log());
        }
        out.flush();
        return ExitCodes.OK;
    }

    @Command(name = "restart", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            header = "Stop wokd (forcing one that does not answer), then start it.",
            description = "Stop wokd (as 'wokd stop' does, forcing a daemon that does not answer), then start it and wait"
                    + " until it answers.")
    static final class Restart implements Callable<Integer> {
        @ParentCommand
        WokdClientMain parent;

        @Spec
        CommandSpec spec;

        @Option(names = "--timeout", defaultValue = "30s", converter = Cli.DurationConverter.class, paramLabel = "DURATION",
                description = "How long to wait for each of the stop and the start (default: ${DEFAULT-VALUE}).")
        Duration timeout;

        @Option(names = "--json", description = "Print {\"stop\":{…},\"start\":{…}} as stop and start print them.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            DaemonStopper.Stopped stopped = DaemonStopper.stop(parent.context().paths(), timeout);
            if (json) {
                CliContext context = parent.context();
                ObjectNode result = Json.object();
                result.set("stop", StopCommand.toJson(stopped));
                result.set("start", toJson(new DaemonStarter(context.paths(), context.daemonCommand(), context.env()).start(timeout)));
                JsonOut.print(out, result);
                return ExitCodes.OK;
            }
            StopCommand.report(stopped, out);
            return startAndReport(parent.context(), timeout, out, false);
        }
    }

    @Command(name = "reload", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            header = "Make wokd read config.toml again; say whether it worked.",
            description = "Make wokd read config.toml again and apply it (what SIGHUP does), and say whether it worked: a"
                    + " bad file is refused with the reason (exit 2) and the running configuration kept.")
    static final class Reload implements Callable<Integer> {
        @ParentCommand
        WokdClientMain parent;

        @Spec
        CommandSpec spec;

        @Option(names = "--json", description = "Print wokd's answer: {\"reloaded\":…, and the connection fields}.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            JsonNode answer;
            try {
                answer = DaemonConnection.call(parent.context().paths(), Methods.RELOAD, Json.object());
            } catch (DaemonUnavailableException e) {
                throw DaemonConnection.unavailable(e, parent.context().paths());
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                JsonOut.print(out, answer);
                return ExitCodes.OK;
            }
            out.println("reloaded " + answer.path("reloaded").asText());
            out.println(new StatusView(parent.context().colour(), parent.context().glyphs())
                    .stateWithError(ConnectionStatus.readFrom(answer)));
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            header = "Show wokd's sync state, pid, uptime, clients, memory, socket and log.",
            description = "Say whether wokd is running, like an init script: exit 0 running, 3 not running, 4 not"
                    + " answering.")
    static final class Status implements Callable<Integer> {
        @ParentCommand
        WokdClientMain parent;

        @Spec
        CommandSpec spec;

        @Option(names = "--json", description = "Print {\"running\":…,\"pid\":…,\"state\":…} (exit codes as without it).")
        boolean json;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            try {
                JsonNode status = DaemonConnection.call(parent.context().paths(), Methods.STATUS, Json.object(),
                        DaemonConnection.ANSWER_TIMEOUT);
                if (json) {
                    ObjectNode result = Json.object();
                    result.put("running", true);
                    result.put("pid", status.path("pid").asLong());
                    result.put("uptime_ms", status.path("uptime_ms").asLong());
                    result.put("state", status.path("state").asText());
                    JsonOut.print(out, result);
                    return ExitCodes.OK;
                }
                out.printf("wokd is running (pid %d, up %d s, state %s)%n", status.path("pid").asLong(),
                        status.path("uptime_ms").asLong() / 1000, status.path("state").asText());
                out.flush();
                return ExitCodes.OK;
            } catch (DaemonUnavailableException e) {
                CliException mapped = DaemonConnection.unavailable(e, parent.context().paths());
                if (json) {
                    ObjectNode result = Json.object();
                    result.put("running", mapped.exitCode() == ExitCodes.NOT_ANSWERING);
                    result.put("state", mapped.exitCode() == ExitCodes.NOT_ANSWERING ? "not_answering" : "not_running");
                    result.put("message", mapped.getMessage());
                    JsonOut.print(out, result);
                    return mapped.exitCode();
                }
                out.println(mapped.getMessage());
                out.flush();
                return mapped.exitCode();
            }
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            header = "Run the daemon in the foreground.",
            description = "Run the daemon in the foreground (for service managers and debugging). Stops on SIGTERM, SIGINT"
                    + " or 'wokd stop'.")
    static final class Run implements Callable<Integer> {
        @ParentCommand
        WokdClientMain parent;

        @Unmatched
        List<String> args = List.of();

        @Override
        public Integer call() throws Exception {
            // The launcher normally runs the daemon directly; reaching here costs one more JVM.
            List<String> command = new java.util.ArrayList<>(parent.context().daemonCommand());
            command.addAll(args);
            ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
            builder.environment().putAll(parent.context().env());
            return builder.start().waitFor();
        }
    }
}
