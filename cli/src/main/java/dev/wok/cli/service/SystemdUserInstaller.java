package dev.wok.cli.service;

import dev.wok.cli.CliException;
import dev.wok.cli.ExitCodes;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The systemd user units: {@code wokd.service} and {@code wokd.socket} in
 * {@code $XDG_CONFIG_HOME/systemd/user} (default {@code ~/.config/systemd/user}). With {@code --now} the
 * socket is enabled and started, so the first client starts wokd through socket activation.
 */
final class SystemdUserInstaller extends ServiceInstaller {
    SystemdUserInstaller(Setup setup) {
        super(setup);
    }

    Path unitDir() throws CliException {
        String config = setup.env().get("XDG_CONFIG_HOME");
        Path base = config != null && !config.isEmpty() ? Path.of(config) : home().resolve(".config");
        return base.resolve("systemd").resolve("user");
    }

    @Override
    public void install(boolean now) throws CliException {
        Path systemctl = systemctl();
        requireUserManager(systemctl);
        Path dir = unitDir();
        Optional<Path> socket = pathEnvironment().isEmpty() ? Optional.empty() : Optional.of(setup.paths().socket());
        write(dir.resolve(ServiceUnits.SYSTEMD_SERVICE), ServiceUnits.systemdService(setup.wokd(), pathEnvironment()));
        write(dir.resolve(ServiceUnits.SYSTEMD_SOCKET), ServiceUnits.systemdSocket(socket));
        runStep(systemctl, "systemctl", List.of("--user", "daemon-reload"));
        if (now) {
            setup.runningDaemon().stopIfRunning(setup.out());
            runStep(systemctl, "systemctl", List.of("--user", "enable", "--now", ServiceUnits.SYSTEMD_SOCKET));
            say("wokd starts at the first client's request from now on, and with each login");
        } else {
            say("to start it: systemctl --user enable --now " + ServiceUnits.SYSTEMD_SOCKET + "   (or: wokd install-service --now)");
        }
    }

    @Override
    public void uninstall() throws CliException {
        Path dir = unitDir();
        Path service = dir.resolve(ServiceUnits.SYSTEMD_SERVICE);
        Path socket = dir.resolve(ServiceUnits.SYSTEMD_SOCKET);
        if (!java.nio.file.Files.exists(service) && !java.nio.file.Files.exists(socket)) {
            say("no wokd units in " + dir + ": nothing to remove");
            return;
        }
        Optional<Path> systemctl = commands.find("systemctl");
        boolean managerUp = systemctl.isPresent() && userManagerAnswers(systemctl.get());
        if (managerUp) {
            runStep(systemctl.get(), "systemctl", List.of("--user", "disable", "--now", ServiceUnits.SYSTEMD_SOCKET,
                    ServiceUnits.SYSTEMD_SERVICE));
        }
        remove(service);
        remove(socket);
        if (managerUp) {
            runStep(systemctl.get(), "systemctl", List.of("--user", "daemon-reload"));
        } else {
            say("the systemd user manager is not running, so nothing was stopped or reloaded");
        }
    }

    private Path systemctl() throws CliException {
        return commands.find("systemctl").orElseThrow(() -> new CliException(ExitCodes.FAILURE,
                "systemctl is not on PATH: this system does not run systemd, so there is no user service to install."
                        + " Start wokd with 'wokd start' (wok also starts it when needed)"));
    }

    private boolean userManagerAnswers(Path systemctl) throws CliException {
        return run(systemctl, List.of("--user", "show-environment")).ok();
    }

    /** Fails, before anything is written, when there is no user manager to talk to (no session, no linger). */
    private void requireUserManager(Path systemctl) throws CliException {
        HostCommands.Result probe = run(systemctl, List.of("--user", "show-environment"));
        if (probe.ok()) {
            return;
        }
        String user = setup.env().getOrDefault("USER", "$USER");
        throw new CliException(ExitCodes.FAILURE, "no systemd user manager answers (systemctl --user: "
                + (probe.output().isEmpty() ? "exit " + probe.exit() : probe.output()) + "). It runs while you are logged"
                + " in; to have one without a login session, run 'sudo loginctl enable-linger " + user + "', then log in"
                + " again (or set XDG_RUNTIME_DIR=/run/user/$(id -u)) and re-run 'wokd install-service'");
    }
}
