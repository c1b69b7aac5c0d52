package dev.wok.daemon.lifecycle;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wok.daemon.config.ConfigException;
import dev.wok.daemon.config.ConfigLoader;
import dev.wok.daemon.config.WokConfig;
import dev.wok.protocol.Json;
import dev.wok.protocol.Terminal;
import dev.wok.protocol.WokVersion;
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

    public static void main(String[] args) {
        System.exit(new CommandLine(new WokdMain()).execute(args));
    }

    @Command(name = "run", mixinStandardHelpOptions = true, versionProvider = WokdMain.Version.class,
            description = {"Run the daemon in the foreground until SIGTERM, SIGINT or 'wok stop'.",
                    "Paths follow WOK_HOME, WOK_SOCKET and the XDG directories; see the README."})
    static final class Run implements Callable<Integer> {
        @Option(names = "--log-level", defaultValue = "INFO", paramLabel = "LEVEL",
                description = "Log level: ERROR, WARN, INFO, DEBUG or TRACE (default: ${DEFAULT-VALUE}).")
        String logLevel;

        @Override
        public Integer call() {
            PrintStream stdout = System.out;
            boolean console = Terminal.interactive();
            WokPaths paths = WokPaths.fromEnvironment();
            Daemon daemon;
            boolean logging = false;
            try {
                PrivateDirectory.prepare(paths.stateDir(), CurrentUser.uid(), "state");
                LogSetup.configure(paths.logFile(), console, Level.toLevel(logLevel, Level.INFO));
                logging = true;
                daemon = Daemon.start(DaemonSettings.defaults(paths).withConfig(loadConfig(paths)));
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
                return EXIT_FAILED;
            }
            Logger log = LoggerFactory.getLogger(WokdMain.class);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                daemon.stop();
                LogSetup.stop();
            }, "wokd-shutdown-hook"));
            Signals.onHangup(() -> {
                try {
                    daemon.reload(loadConfig(paths));
                    log.info("SIGHUP: reloaded {}", paths.configFile());
                } catch (StartupException e) {
                    log.error("SIGHUP: keeping the current configuration: {}", e.getMessage());
                }
            });
            announceReady(stdout, console, daemon);
            daemon.awaitStop();
            return EXIT_OK;
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
            // The starter reads one line and goes away; later writes to its pipe would fail, so stop here.
            stdout.close();
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"wokd " + WokVersion.version() + " (protocol " + WokVersion.PROTOCOL + ")"};
        }
    }
}
