package dev.wok.daemon.lifecycle;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wok.protocol.config.ConfigException;
import dev.wok.protocol.config.ConfigLoader;
import dev.wok.protocol.config.WokConfig;
import dev.wok.protocol.Json;
import dev.wok.protocol.Terminal;
import dev.wok.protocol.WokVersion;
import dev.wok.protocol.files.IoErrors;
import dev.wok.protocol.files.PrivateDirectory;
import dev.wok.protocol.paths.CurrentUser;
import dev.wok.protocol.paths.WokPaths;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code wokd run}: the daemon in the foreground. The launcher sends {@code wokd start/stop/status}
 * to the light client instead, so only {@code run} loads Netty.
 *
 * <p>On stdout it prints exactly one line, which {@code wokd start} waits for: {@code wokd ready {...}}
 * with pid, socket and log, or {@code wokd failed {...}} with the reason. In a terminal it logs to
 * the console as well as to the log file.
 */
@Command(name = "wokd", mixinStandardHelpOptions = true, versionProvider = WokdMain.Version.class,
        description = "The wok sync daemon.",
        subcommands = WokdMain.Run.class)
public final class WokdMain {
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;

    /** Log levels, so that a typo such as {@code --log-level=verbose} is refused, not read as INFO. */
    enum LogLevel {
        ERROR(Level.ERROR), WARN(Level.WARN), INFO(Level.INFO), DEBUG(Level.DEBUG), TRACE(Level.TRACE);

        final Level level;

        LogLevel(Level level) {
            this.level = level;
        }
    }

    public static void main(String[] args) {
        if (args.length == 1 && args[0].equals("run")) {
            // How 'wokd start' and service units run it: nothing to parse, so picocli is not even loaded.
            System.exit(new Run().call());
        }
        System.exit(new CommandLine(new WokdMain()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
    }

    @Command(name = "run", mixinStandardHelpOptions = true, versionProvider = WokdMain.Version.class,
            usageHelpAutoWidth = true, header = "Run the daemon in the foreground.",
            description = {"Run the daemon in the foreground until SIGTERM, SIGINT or 'wokd stop'. SIGHUP or"
                    + " 'wokd reload' reloads config.toml. Paths follow WOK_HOME, WOK_SOCKET and the XDG directories;"
                    + " see the README.",
                    "Exit codes: 0 stopped cleanly, 1 cannot start, 2 bad configuration or socket path too long."})
    static final class Run implements Callable<Integer> {
        @Option(names = "--log-level", defaultValue = "INFO", paramLabel = "LEVEL",
                description = "Log level: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
        LogLevel logLevel = LogLevel.INFO;

        @Option(names = "--log-stderr", negatable = true,
                description = {"Log to stderr as well as to the log file. On by default in a terminal and under",
                        "systemd (INVOCATION_ID or JOURNAL_STREAM set), so that journald keeps the log."})
        Boolean logStderr;

        @Override
        public Integer call() {
            PrintStream stdout = System.out;
            boolean console = Terminal.interactive();
            boolean stderrLog = logStderr != null ? logStderr : console || ServiceManager.capturesStderr(System.getenv());
            WokPaths paths = WokPaths.fromEnvironment();
            Daemon daemon;
            boolean logging = false;
            try {
                prepareStateDir(paths);
                LogSetup.configure(paths.logFile(), stderrLog, logLevel.level);
                logging = true;
                daemon = Daemon.start(DaemonSettings.defaults(paths).withConfig(loadConfig(paths)).withEnv(System.getenv()));
            } catch (StartupException e) {
                System.err.println("wokd: " + e.getMessage());
                if (!console) {
                    ObjectNode failure = Json.object();
                    failure.put("reason", e.reason().name().toLowerCase(java.util.Locale.ROOT));
                    failure.put("message", e.getMessage());
                    stdout.println("wokd failed " + failure);
                    stdout.flush();
                }
                if (logging) {
                    LoggerFactory.getLogger(WokdMain.class).error("cannot start: {}", e.getMessage());
                    LogSetup.stop();
                }
                return switch (e.reason()) {
                    case SOCKET_PATH_TOO_LONG, BAD_CONFIG -> EXIT_USAGE;
                    default -> EXIT_FAILED;
                };
            }
            Logger log = LoggerFactory.getLogger(WokdMain.class);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                daemon.stop();
                LogSetup.stop();
            }, "wokd-shutdown-hook"));
            if (!Signals.onHangup(daemon::reloadOnSignal)) {
                log.warn("SIGHUP is ignored by whatever started wokd (nohup, or a service wrapper), so it will not reload"
                        + " on SIGHUP; use 'wokd reload' instead");
            }
            announceReady(stdout, console, daemon);
            daemon.awaitStop();
            return EXIT_OK;
        }

        private static void prepareStateDir(WokPaths paths) throws StartupException {
            try {
                PrivateDirectory.prepare(paths.stateDir(), CurrentUser.uid(), "state");
            } catch (PrivateDirectory.UnsafeDirectoryException e) {
                throw new StartupException(StartupException.Reason.UNSAFE_SOCKET_DIRECTORY, e.getMessage(), e);
            } catch (java.io.IOException e) {
                throw new StartupException(StartupException.Reason.CANNOT_WRITE_STATE,
                        "cannot prepare state directory " + paths.stateDir() + ": " + IoErrors.cause(e), e);
            }
        }

        private static WokConfig loadConfig(WokPaths paths) throws StartupException {
            try {
                return ConfigLoader.load(paths.configFile(), System.getenv());
            } catch (ConfigException e) {
                throw new StartupException(StartupException.Reason.BAD_CONFIG, e.getMessage(), e);
            }
        }

        private static void announceReady(PrintStream stdout, boolean console, Daemon daemon) {
            var info = daemon.info();
            if (console) {
                stdout.printf("wokd %s ready: pid %d, socket %s, log %s%n", info.version(), info.pid(), info.socket(),
                        info.logFile());
                stdout.flush();
                return;
            }
            ObjectNode ready = Json.object();
            ready.put("pid", info.pid());
            ready.put("version", info.version());
            ready.put("socket", info.socket().toString());
            ready.put("log", info.logFile().toString());
            stdout.println("wokd ready " + ready);
            stdout.flush();
            // The starter reads one line and goes away. Whatever is printed later goes to stderr, which the
            // starter pointed at the log (the JVM's own last words too: the launcher passes
            // -XX:+DisplayVMOutputToStderr). The pipe itself is not closed, so that no file wokd opens later
            // can take its descriptor and receive output meant for it.
            System.setOut(System.err);
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"wokd " + WokVersion.version() + " (protocol " + WokVersion.PROTOCOL + ")"};
        }
    }
}
