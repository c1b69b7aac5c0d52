package dev.wok.cli.service;

import dev.wok.cli.CliException;
import dev.wok.cli.ExitCodes;
import dev.wok.protocol.paths.CurrentUser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The launchd agent: {@code ~/Library/LaunchAgents/dev.wok.wokd.plist}, loaded with {@code launchctl bootstrap}. */
final class LaunchdInstaller extends ServiceInstaller {
    LaunchdInstaller(Setup setup) {
        super(setup);
    }

    private Path plist() throws CliException {
        return home().resolve("Library").resolve("LaunchAgents").resolve(ServiceUnits.LAUNCHD_PLIST);
    }

    private String domain() {
        return "gui/" + CurrentUser.uid();
    }

    @Override
    public void install(boolean now) throws CliException {
        Path plist = plist();
        String path = setup.env().getOrDefault("PATH", "/usr/bin:/bin:/usr/sbin:/sbin");
        write(plist, ServiceUnits.launchdPlist(setup.wokd(), setup.paths().stateDir(), path, pathEnvironment()));
        if (!now) {
            say("it starts at your next login; to start it now: launchctl bootstrap " + domain() + " " + plist
                    + "   (or: wokd install-service --now)");
            return;
        }
        Path launchctl = launchctl();
        // A plist loaded before must be unloaded first, or bootstrap refuses it; not loaded is fine.
        run(launchctl, List.of("bootout", domain() + "/" + ServiceUnits.LAUNCHD_LABEL));
        setup.runningDaemon().stopIfRunning(setup.out());
        runStep(launchctl, "launchctl", List.of("bootstrap", domain(), plist.toString()));
    }

    @Override
    public void uninstall() throws CliException {
        Path plist = plist();
        if (!Files.exists(plist)) {
            say("no " + plist + ": nothing to remove");
            return;
        }
        Path launchctl = launchctl();
        HostCommands.Result bootout = run(launchctl, List.of("bootout", domain() + "/" + ServiceUnits.LAUNCHD_LABEL));
        say(bootout.ok() ? "ran launchctl bootout " + domain() + "/" + ServiceUnits.LAUNCHD_LABEL : "it was not loaded");
        remove(plist);
    }

    private Path launchctl() throws CliException {
        return commands.find("launchctl").orElseThrow(() -> new CliException(ExitCodes.FAILURE,
                "launchctl is not on PATH; add /bin:/usr/bin to PATH"));
    }
}
