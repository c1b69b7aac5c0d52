package dev.wok.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wok.cli.daemon.DaemonConnection;
import dev.wok.cli.daemon.DaemonStarter;
import dev.wok.protocol.Json;
import dev.wok.protocol.Methods;
import dev.wok.protocol.WokVersion;
import dev.wok.protocol.client.DaemonUnavailableException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
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
@Command(name = "wokd", mixinStandardHelpOptions = true, versionProvider = WokdClientMain.Version.class,
        description = "Start, stop and check wokd, the wok sync daemon.",
        footer = {"", "Environment: WOK_HOME (one directory for socket, config and state), WOK_SOCKET.",
                "Exit codes: 0 ok, 1 failure, 2 usage; 'status' exits 3 when not running, 4 when not answering."},
        subcommands = {WokdClientMain.Start.class, StopCommand.class, WokdClientMain.Status.class,
                WokdClientMain.Run.class})
public final class WokdClientMain extends TopLevelCommand {
    public WokdClientMain(CliContext context) {
        super(context);
    }

    public static void main(String[] args) {
        System.exit(commandLine(CliContext.fromProcess()).execute(args));
    }

    public static CommandLine commandLine(CliContext context) {
        return Cli.configure(new CommandLine(new WokdClientMain(context)), "wokd");
    }

    @Command(name = "start", mixinStandardHelpOptions = true,
            description = {"Start wokd in the background and wait until it answers.",
                    "Succeeds when it is already running."})
    static final class Start implements Callable<Integer> {
        @ParentCommand
        WokdClientMain parent;

        @Spec
        CommandSpec spec;

        @Option(names = "--timeout", defaultValue = "30s", converter = Cli.DurationConverter.class, paramLabel = "DURATION",
                description = "How long to wait for the daemon to be ready (default: ${DEFAULT-VALUE}).")
        Duration timeout;

        @Override
        public Integer call() throws Exception {
            CliContext context = parent.context();
            DaemonStarter.Started started = new DaemonStarter(context.paths(), context.daemonCommand(), context.env())
                    .start(timeout);
            PrintWriter out = spec.commandLine().getOut();
            if (started.alreadyRunning()) {
                out.printf("wokd is already running (pid %d)%n", started.pid());
            } else {
                out.printf("wokd started (pid %d) in %d ms%n  socket %s%n  log    %s%n", started.pid(),
                        started.took().toMillis(), started.socket(), started.log());
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = {"Say whether wokd is running, like an init script:",
                    "exit 0 running, 3 not running, 4 not answering."})
    static final class Status implements Callable<Integer> {
        @ParentCommand
        WokdClientMain parent;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            try {
                JsonNode status = DaemonConnection.call(parent.context().paths(), Methods.STATUS, Json.object());
                out.printf("wokd is running (pid %d, up %d s, state %s)%n", status.path("pid").asLong(),
                        status.path("uptime_ms").asLong() / 1000, status.path("state").asText());
                out.flush();
                return ExitCodes.OK;
            } catch (DaemonUnavailableException e) {
                CliException mapped = DaemonConnection.unavailable(e);
                out.println(e.getMessage());
                out.flush();
                return mapped.exitCode();
            }
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = {"Run the daemon in the foreground (for service managers and debugging).",
                    "Stops on SIGTERM, SIGINT or 'wokd stop'."})
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

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"wokd " + WokVersion.version()};
        }
    }
}
