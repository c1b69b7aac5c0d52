package dev.wok.cli.service;

import dev.wok.cli.CliException;
import dev.wok.cli.ExitCodes;
import dev.wok.protocol.files.IoErrors;
import dev.wok.protocol.paths.CurrentUser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The systemd user units: {@code wokd.service} and {@code wokd.socket} in
 * {@code $XDG_CONFIG_HOME/systemd/user} (default {@code ~/.config/systemd/user}). With {@code --now} the
 * socket is enabled and started, so the first client starts wokd through socket activation.
 */
final class SystemdUserInstaller extends ServiceInstaller {
    /** Where systemd-logind puts each user's runtime directory ({@code %t}); tests move it. */
    private final Path runtimeDirs;

    SystemdUserInstaller(Setup setup) {
        this(setup, Path.of("/run/user"));
    }

    SystemdUserInstaller(Setup setup, Path runtimeDirs) {
        super(setup, withRuntimeDir(setup, runtimeDirs));
        this.runtimeDirs = runtimeDirs;
    }

    /**
     * systemctl --user finds the user manager through XDG_RUNTIME_DIR, which a session made by su, sudo
     * or docker exec lacks although the manager runs (linger): then the manager's own directory is used.
     */
    private static Map<String, String> withRuntimeDir(Setup setup, Path runtimeDirs) {
        String runtime = setup.env().get("XDG_RUNTIME_DIR");
        Path own = runtimeDirs.resolve(Integer.toString(CurrentUser.uid()));
        if ((runtime == null || runtime.isEmpty()) && Files.isDirectory(own)) {
            Map<String, String> env = new HashMap<>(setup.env());
            env.put("XDG_RUNTIME_DIR", own.toString());
            return Map.copyOf(env);
        }
        return setup.env();
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
        warnWithoutRuntimeDir(socket.isPresent());
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
        if (!Files.exists(service) && !Files.exists(socket)) {
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

    /**
     * Clients look for the default socket in $XDG_RUNTIME_DIR/wok, else /tmp/wok-$UID; the socket unit
     * listens in the manager's runtime directory. A shell without the variable would look elsewhere.
     */
    private void warnWithoutRuntimeDir(boolean socketNamed) {
        String runtime = setup.env().get("XDG_RUNTIME_DIR");
        if (!socketNamed && (runtime == null || runtime.isEmpty())) {
            say("note: XDG_RUNTIME_DIR is not set in this shell, so wok here looks for the socket in "
                    + setup.paths().socket().getParent() + ", while the service listens in "
                    + runtimeDirs.resolve(Integer.toString(CurrentUser.uid())).resolve("wok")
                    + "; log in with a session (ssh, machinectl shell) or export XDG_RUNTIME_DIR=/run/user/$(id -u)");
        }
    }

    @Override
    public Inspection inspect() throws CliException {
        Path dir = unitDir();
        Path service = dir.resolve(ServiceUnits.SYSTEMD_SERVICE);
        Path socket = dir.resolve(ServiceUnits.SYSTEMD_SOCKET);
        if (!Files.exists(service)) {
            return Files.exists(socket)
                    ? Inspection.broken(socket + " is installed without " + ServiceUnits.SYSTEMD_SERVICE
                            + ", so a client's connection would start nothing", "reinstall: wokd install-service --now")
                    : Inspection.notInstalled(dir.toString());
        }
        Optional<Inspection> missing = missingProgram(service, execStartProgram(service));
        if (missing.isPresent()) {
            return missing.get();
        }
        Optional<Path> systemctl = commands.find("systemctl");
        if (systemctl.isEmpty() || !userManagerAnswers(systemctl.get())) {
            return Inspection.broken("wokd's units are in " + dir + ", but no systemd user manager answers, so nothing"
                    + " starts them", "log in with a session (ssh, machinectl shell), or run 'sudo loginctl enable-linger "
                    + setup.env().getOrDefault("USER", "$USER") + "' for a manager without one");
        }
        String serviceState = run(systemctl.get(), List.of("--user", "is-active", ServiceUnits.SYSTEMD_SERVICE)).output();
        if (serviceState.equals("failed")) {
            return Inspection.broken(ServiceUnits.SYSTEMD_SERVICE + " has failed", "see why: journalctl --user -u "
                    + ServiceUnits.SYSTEMD_SERVICE + " -n 50 (or: wokd logs); once fixed: systemctl --user reset-failed "
                    + ServiceUnits.SYSTEMD_SERVICE + " && systemctl --user restart " + ServiceUnits.SYSTEMD_SOCKET);
        }
        if (Files.exists(socket)) {
            String socketState = run(systemctl.get(), List.of("--user", "is-active", ServiceUnits.SYSTEMD_SOCKET)).output();
            if (!socketState.equals("active")) {
                return Inspection.broken(ServiceUnits.SYSTEMD_SOCKET + " is " + socketState + ", so a client's connection"
                        + " does not start wokd", "systemctl --user enable --now " + ServiceUnits.SYSTEMD_SOCKET);
            }
            return Inspection.fine(ServiceUnits.SYSTEMD_SOCKET + " active, " + ServiceUnits.SYSTEMD_SERVICE + " " + serviceState
                    + " (units in " + dir + ")");
        }
        return Inspection.fine(ServiceUnits.SYSTEMD_SERVICE + " " + serviceState + " (unit in " + dir + ")");
    }

    /** The program of the unit's ExecStart= line, undoing the quoting {@link ServiceUnits#systemdWord} does. */
    Optional<Path> execStartProgram(Path unit) throws CliException {
        List<String> lines;
        try {
            lines = Files.readAllLines(unit);
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILURE, "cannot read " + unit + ": " + IoErrors.cause(e), e);
        }
        for (String line : lines) {
            if (!line.startsWith("ExecStart=")) {
                continue;
            }
            String command = line.substring("ExecStart=".length()).strip();
            String word;
            if (command.startsWith("\"")) {
                int end = command.indexOf('"', 1);
                while (end > 0 && command.charAt(end - 1) == '\\') {
                    end = command.indexOf('"', end + 1);
                }
                word = end < 0 ? command.substring(1) : command.substring(1, end);
            } else {
                int space = command.indexOf(' ');
                word = space < 0 ? command : command.substring(0, space);
            }
            word = word.replace("\\\"", "\"").replace("\\\\", "\\").replace("$$", "$");
            if (word.startsWith("%h/")) {
                word = home() + word.substring(2);
            }
            word = word.replace("%%", "%");
            return word.isEmpty() ? Optional.empty() : Optional.of(Path.of(word));
        }
        return Optional.empty();
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
