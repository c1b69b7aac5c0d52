package dev.wok.daemon.lifecycle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Whether a service manager (systemd) is capturing our stderr, so that logging there reaches its journal. */
final class ServiceManager {
    private static final Path STDERR = Path.of("/proc/self/fd/2");

    private ServiceManager() {}

    /**
     * systemd sets JOURNAL_STREAM to the device and inode of the stream it connected to stdout/stderr; when
     * stderr is that stream, the journal reads it. INVOCATION_ID is set for every process a unit starts.
     */
    static boolean capturesStderr(Map<String, String> env) {
        String journal = env.get("JOURNAL_STREAM");
        if (journal != null && journal.matches("\\d+:\\d+")) {
            try {
                Object dev = Files.getAttribute(STDERR, "unix:dev");
                Object ino = Files.getAttribute(STDERR, "unix:ino");
                return journal.equals(dev + ":" + ino);
            } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
                return true;
            }
        }
        return env.containsKey("INVOCATION_ID");
    }
}
