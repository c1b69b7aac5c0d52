package dev.wok.cli.doctor;

import dev.wok.protocol.config.WokConfig;
import dev.wok.protocol.paths.WokPaths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code wok doctor}'s checks, in the order a problem would show up: files, config, the daemon, the way to
 * the upstream, the service unit. It reads and asks; it changes nothing and starts nothing.
 */
public final class Doctor {
    private Doctor() {}

    /**
     * @param env     the environment wok runs with (WOK_HOME, XDG_*, WOK_UPSTREAM_*, PATH for systemctl)
     * @param timeout how long each step over the network or the socket may take
     */
    public static List<Check> run(Map<String, String> env, WokPaths paths, Duration timeout) {
        List<Check> checks = new ArrayList<>(FileChecks.run(paths));
        ConfigChecks.Outcome config = ConfigChecks.run(paths.configFile(), env);
        checks.addAll(config.checks());
        checks.addAll(DaemonChecks.run(paths, config.config(), timeout));
        Optional<WokConfig> loaded = config.config();
        if (loaded.isEmpty()) {
            checks.addAll(UpstreamChecks.skipped("config.toml could not be read"));
        } else if (loaded.get().upstream().url().isEmpty()) {
            checks.addAll(UpstreamChecks.skipped("no upstream configured"));
        } else if (config.checks().stream().anyMatch(Check::failed)) {
            checks.addAll(UpstreamChecks.skipped("the token could not be read"));
        } else {
            checks.addAll(UpstreamChecks.run(loaded.get().upstream().url().get(), config.token(), timeout));
        }
        checks.add(ServiceCheck.run(paths.platform(), env, paths));
        return checks;
    }
}
