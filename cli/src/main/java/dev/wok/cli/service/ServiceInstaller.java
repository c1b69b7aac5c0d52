package dev.wok.cli.service;

import dev.wok.cli.CliException;
import dev.wok.cli.ExitCodes;
import dev.wok.protocol.files.IoErrors;
import dev.wok.protocol.paths.Platform;
import dev.wok.protocol.paths.WokPaths;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code wokd install-service} and {@code uninstall-service}: writes or removes the unit of this
 * platform's service manager (a systemd user unit and socket, or a launchd agent) and tells the manager,
 * printing each thing it does, one line each, so a user or a script can see and repeat it.
 */
public abstract sealed class ServiceInstaller permits SystemdUserInstaller, LaunchdInstaller {
    /** Variables that move wok's files: the service must see the same ones as the user who installs it. */
    static final List<String> PATH_VARIABLES = List.of(WokPaths.WOK_HOME, WokPaths.WOK_SOCKET, WokPaths.WOK_CONFIG);

    /**
     * @param wokd the installed launcher the unit runs ({@code lib/wok/bin/wokd})
     * @param runningDaemon stops a wokd that runs outside the service manager, so the manager can take over
     */
    public record Setup(Map<String, String> env, Path wokd, WokPaths paths, PrintWriter out, RunningDaemon runningDaemon) {}

    /** A wokd that runs now, outside the service manager. */
    public interface RunningDaemon {
        /** Stops it and says so on {@code out}, when there is one. */
        void stopIfRunning(PrintWriter out) throws CliException;
    }

    final Setup setup;
    final HostCommands commands;

    ServiceInstaller(Setup setup) {
        this(setup, setup.env());
    }

    /** @param toolEnv the environment the manager's tools run with */
    ServiceInstaller(Setup setup, Map<String, String> toolEnv) {
        this.setup = setup;
        this.commands = new HostCommands(toolEnv);
    }

    public static ServiceInstaller forPlatform(Platform platform, Setup setup) throws CliException {
        return switch (platform) {
            case LINUX -> new SystemdUserInstaller(setup);
            case MACOS -> new LaunchdInstaller(setup);
            case OTHER -> throw new CliException(ExitCodes.FAILURE, "install-service knows systemd (Linux) and launchd"
                    + " (macOS) only; on this platform run 'wokd start' from your own start-up scripts");
        };
    }

    /**
     * An installer that only looks: for {@link #inspect}, so it has no launcher to install and stops nothing.
     * {@code null} on a platform wok has no service manager for.
     */
    public static ServiceInstaller forInspection(Platform platform, Map<String, String> env, WokPaths paths) throws CliException {
        if (platform == Platform.OTHER) {
            return null;
        }
        RunningDaemon none = out -> {
            throw new IllegalStateException("an installer made to inspect does not stop daemons");
        };
        Map<String, String> withHome = env;
        if (env.get("HOME") == null || env.get("HOME").isEmpty()) {
            // The units are the user's wherever HOME points; without it, the account's home is where they are.
            withHome = new HashMap<>(env);
            withHome.put("HOME", System.getProperty("user.home"));
        }
        return forPlatform(platform, new Setup(withHome, null, paths, new PrintWriter(Writer.nullWriter()), none));
    }

    /**
     * What {@code wok doctor} says of the service.
     *
     * @param installed whether a wokd unit is installed at all (none is fine: wok starts wokd itself)
     * @param sound whether it can work as installed
     * @param summary what was found, one line
     * @param fix what to do when it is not sound
     */
    public record Inspection(boolean installed, boolean sound, String summary, Optional<String> fix) {
        static Inspection notInstalled(String where) {
            return new Inspection(false, true, "none installed in " + where + " (wok starts wokd when a command needs it)",
                    Optional.empty());
        }

        static Inspection fine(String summary) {
            return new Inspection(true, true, summary, Optional.empty());
        }

        static Inspection broken(String summary, String fix) {
            return new Inspection(true, false, summary, Optional.of(fix));
        }
    }

    /** Looks at the installed unit(s) and asks the manager about them; changes nothing. */
    public abstract Inspection inspect() throws CliException;

    /**
     * The program an installed unit runs, when it is missing or not executable: a unit left behind by a wok
     * that was moved or removed, which the manager would fail to start.
     */
    static Optional<Inspection> missingProgram(Path unit, Optional<Path> program) {
        if (program.isEmpty()) {
            return Optional.of(Inspection.broken(unit + " names no program to run", "reinstall it: wokd install-service --now"));
        }
        if (!Files.isExecutable(program.get())) {
            return Optional.of(Inspection.broken(unit + " runs " + program.get() + ", which "
                    + (Files.exists(program.get()) ? "is not executable" : "does not exist (was wok moved or removed?)"),
                    "reinstall the service from the wok you use: wokd install-service --now (or sh scripts/install.sh --service)"));
        }
        return Optional.empty();
    }

    /** Writes the unit(s); with {@code now}, also enables and starts them. */
    public abstract void install(boolean now) throws CliException;

    /** Stops and removes what {@link #install} wrote; says so when there was nothing. */
    public abstract void uninstall() throws CliException;

    /** WOK_HOME and the like, as the installing user has them. */
    Map<String, String> pathEnvironment() {
        Map<String, String> chosen = new LinkedHashMap<>();
        for (String name : PATH_VARIABLES) {
            String value = setup.env().get(name);
            if (value != null && !value.isEmpty()) {
                chosen.put(name, Path.of(value).toAbsolutePath().toString());
            }
        }
        return chosen;
    }

    Path home() throws CliException {
        String home = setup.env().get("HOME");
        if (home == null || home.isEmpty()) {
            throw new CliException(ExitCodes.FAILURE, "HOME is not set, so there is no user unit directory; set HOME");
        }
        return Path.of(home);
    }

    /** Replaces {@code file} whole (temp + rename), so a manager reading it never sees half a unit. */
    void write(Path file, String text) throws CliException {
        try {
            Files.createDirectories(file.getParent());
            Path temporary = file.resolveSibling("." + file.getFileName() + ".tmp");
            Files.writeString(temporary, text, StandardCharsets.UTF_8);
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILURE, "cannot write " + file + ": " + IoErrors.cause(e), e);
        }
        say("wrote " + file);
    }

    boolean remove(Path file) throws CliException {
        try {
            if (Files.deleteIfExists(file)) {
                say("removed " + file);
                return true;
            }
            return false;
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILURE, "cannot remove " + file + ": " + IoErrors.cause(e), e);
        }
    }

    HostCommands.Result run(Path program, List<String> args) throws CliException {
        try {
            return commands.run(program, args);
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILURE, "cannot run " + program + ": " + IoErrors.cause(e), e);
        }
    }

    /** Runs a step that must work, says it ran, and fails with the tool's own words when it did not. */
    void runStep(Path program, String shown, List<String> args) throws CliException {
        HostCommands.Result result = run(program, args);
        if (!result.ok()) {
            throw new CliException(ExitCodes.FAILURE, shown + " " + String.join(" ", args) + " failed (exit " + result.exit()
                    + ")" + (result.output().isEmpty() ? "" : ": " + result.output()));
        }
        say("ran " + shown + " " + String.join(" ", args));
    }

    void say(String line) {
        setup.out().println(line);
        setup.out().flush();
    }
}
