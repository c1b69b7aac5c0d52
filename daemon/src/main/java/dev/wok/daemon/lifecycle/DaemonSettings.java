package dev.wok.daemon.lifecycle;

import dev.wok.protocol.config.WokConfig;
import dev.wok.daemon.health.HealthMonitor;
import dev.wok.daemon.ipc.IpcLimits;
import dev.wok.protocol.paths.WokPaths;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;

/**
 * What a daemon needs to start.
 *
 * @param socketMode permissions of the bound socket: 0600 in production; tests relax it to prove that
 *                   peer credentials alone still keep other users out
 * @param config config.toml and environment, already loaded and checked
 * @param env the environment a reload reads config.toml with (WOK_UPSTREAM_URL and the like override it), and
 *            where systemd's LISTEN_* and NOTIFY_SOCKET are read
 * @param healthPeriod how often the health line is logged and health.json rewritten (a minute; tests shorten it)
 */
public record DaemonSettings(WokPaths paths, IpcLimits limits, Set<PosixFilePermission> socketMode, WokConfig config,
                             Map<String, String> env, Duration healthPeriod) {
    public static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    public DaemonSettings {
        socketMode = Set.copyOf(socketMode);
        env = Map.copyOf(env);
    }

    /** Defaults, with an empty environment: a reload then reads config.toml alone. */
    public static DaemonSettings defaults(WokPaths paths) {
        return new DaemonSettings(paths, IpcLimits.DEFAULTS, OWNER_ONLY, WokConfig.DEFAULTS, Map.of(), HealthMonitor.PERIOD);
    }

    public DaemonSettings withPaths(WokPaths newPaths) {
        return new DaemonSettings(newPaths, limits, socketMode, config, env, healthPeriod);
    }

    public DaemonSettings withLimits(IpcLimits newLimits) {
        return new DaemonSettings(paths, newLimits, socketMode, config, env, healthPeriod);
    }

    public DaemonSettings withSocketMode(Set<PosixFilePermission> mode) {
        return new DaemonSettings(paths, limits, mode, config, env, healthPeriod);
    }

    /** With config.toml's settings, its {@code [ipc]} budgets included. */
    public DaemonSettings withConfig(WokConfig newConfig) {
        return new DaemonSettings(paths, limits.withBudgets(newConfig.ipc()), socketMode, newConfig, env, healthPeriod);
    }

    public DaemonSettings withHealthPeriod(Duration period) {
        return new DaemonSettings(paths, limits, socketMode, config, env, period);
    }

    public DaemonSettings withEnv(Map<String, String> newEnv) {
        return new DaemonSettings(paths, limits, socketMode, config, newEnv, healthPeriod);
    }
}
