package dev.wok.cli;

import dev.wok.cli.daemon.DaemonProcess;
import dev.wok.cli.daemon.DaemonStopper;
import dev.wok.cli.service.ServiceInstaller;
import dev.wok.protocol.paths.Platform;
import dev.wok.protocol.paths.WokPaths;
import java.io.PrintWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code wokd install-service} and {@code wokd uninstall-service}. */
final class ServiceCommands {
    private ServiceCommands() {}

    @Command(name = "install-service", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            header = "Run wokd as a user service: systemd (with socket activation) or launchd.",
            description = {"Write the service unit for this platform, with this install's wokd and your WOK_HOME,"
                    + " WOK_SOCKET and WOK_CONFIG filled in, and tell the service manager; print each step.",
                    "Linux: wokd.service and wokd.socket in $XDG_CONFIG_HOME/systemd/user (~/.config/systemd/user), then"
                            + " 'systemctl --user daemon-reload'; --now also runs 'systemctl --user enable --now wokd.socket'.",
                    "macOS: ~/Library/LaunchAgents/dev.wok.wokd.plist; --now also runs 'launchctl bootstrap'.",
                    "With --now, a wokd already running outside the service manager is stopped first, so the manager"
                            + " takes over.",
                    "Exit codes: 0 done, 1 failed (no systemd user manager, say: the message says how to get one)."})
    static final class Install implements Callable<Integer> {
        @ParentCommand
        WokdClientMain parent;

        @Spec
        CommandSpec spec;

        @Option(names = "--now", description = "Also enable and start it.")
        boolean now;

        @Override
        public Integer call() throws Exception {
            installer(parent.context(), spec.commandLine().getOut()).install(now);
            return ExitCodes.OK;
        }
    }

    @Command(name = "uninstall-service", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            header = "Stop and remove what install-service wrote.",
            description = {"Stop and disable the service (systemctl --user disable --now, or launchctl bootout), remove"
                    + " its unit files and reload the manager; print each step. Your data is untouched.",
                    "Exit codes: 0 done (also when nothing was installed), 1 failed."})
    static final class Uninstall implements Callable<Integer> {
        @ParentCommand
        WokdClientMain parent;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            installer(parent.context(), spec.commandLine().getOut()).uninstall();
            return ExitCodes.OK;
        }
    }

    static ServiceInstaller installer(CliContext context, PrintWriter out) throws CliException {
        ServiceInstaller.Setup setup = new ServiceInstaller.Setup(context.env(), launcher(context), context.paths(), out,
                running -> stopUnmanagedDaemon(context, running));
        return ServiceInstaller.forPlatform(Platform.current(), setup);
    }

    /** The wokd launcher that runs this command: what the unit must run. */
    private static Path launcher(CliContext context) throws CliException {
        List<String> command = context.daemonCommand();
        if (command.size() == 2 && command.get(1).equals("run") && !command.get(0).endsWith("/java")) {
            return Path.of(command.get(0)).toAbsolutePath();
        }
        throw new CliException(ExitCodes.FAILURE, "install-service needs the wokd launcher, which it writes into the unit;"
                + " run it as 'wokd install-service' from an install (sh scripts/install.sh) or from scripts/ in a source tree");
    }

    /**
     * Stops a wokd that runs outside the service manager (started by 'wokd start' or a client): it holds
     * the socket and the lock the service needs. Found through the lock file, never by connecting, which
     * would start one through an active socket unit.
     */
    private static void stopUnmanagedDaemon(CliContext context, PrintWriter out) throws CliException {
        WokPaths paths = context.paths();
        OptionalLong pid = DaemonProcess.find(paths);
        if (pid.isEmpty() || runsUnderSystemd(pid.getAsLong())) {
            return;
        }
        DaemonStopper.Stopped stopped = DaemonStopper.stop(paths, Duration.ofSeconds(30));
        stopped.pid().ifPresent(stoppedPid -> {
            out.println("stopped the wokd that was running outside the service manager (pid " + stoppedPid + ")");
            out.flush();
        });
    }

    private static boolean runsUnderSystemd(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "cgroup")).contains("/wokd.service");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
