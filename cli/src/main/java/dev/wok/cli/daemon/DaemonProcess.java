package dev.wok.cli.daemon;

import dev.wok.protocol.paths.WokPaths;
import dev.wok.protocol.process.Processes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.OptionalLong;

/**
 * The wokd process of a state directory, found without its socket: the pid that the lock holder wrote
 * into {@code wokd.lock}, if that process is alive and is wokd (a pid reused by another program is not).
 * This is how a daemon that accepts but does not answer (stopped, or stuck) is told from one that is gone.
 */
public final class DaemonProcess {
    private static final String DAEMON_MAIN = "dev.wok.daemon.lifecycle.WokdMain";

    private DaemonProcess() {}

    public static OptionalLong find(WokPaths paths) {
        OptionalLong pid = lockPid(paths);
        if (pid.isEmpty() || !Processes.alive(pid.getAsLong())) {
            return OptionalLong.empty();
        }
        boolean isWokd = Processes.commandLine(pid.getAsLong())
                .map(line -> line.contains(DAEMON_MAIN) || line.contains("wokd run"))
                .orElse(false);
        return isWokd ? pid : OptionalLong.empty();
    }

    private static OptionalLong lockPid(WokPaths paths) {
        try {
            String text = Files.readString(paths.lockFile(), StandardCharsets.US_ASCII).trim();
            return text.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(text));
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
