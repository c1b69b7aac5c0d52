package dev.wok.daemon.testing;

import dev.wok.daemon.lifecycle.Daemon;
import dev.wok.daemon.lifecycle.DaemonSettings;
import dev.wok.daemon.lifecycle.StartupException;
import dev.wok.protocol.paths.Platform;
import dev.wok.protocol.paths.WokPaths;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;

/** A daemon in this JVM on a temporary WOK_HOME: real socket, real pipeline, started in milliseconds. */
public final class TestDaemon {
    private TestDaemon() {}

    public static WokPaths paths(Path home) {
        return WokPaths.resolve(Map.of("WOK_HOME", home.toString()), Platform.current());
    }

    public static Daemon start(Path home) throws StartupException {
        return start(home, s -> s);
    }

    public static Daemon start(Path home, UnaryOperator<DaemonSettings> adjust) throws StartupException {
        return Daemon.start(adjust.apply(DaemonSettings.defaults(paths(home))));
    }
}
