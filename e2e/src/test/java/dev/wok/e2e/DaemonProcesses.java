package dev.wok.e2e;

import dev.wok.protocol.process.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/** Finds and, after each test, kills the daemons a test started, so none outlives it. */
final class DaemonProcesses {
    private final List<Long> seen = new ArrayList<>();

    static Map<String, String> env(Path home) {
        return Map.of("WOK_HOME", home.toString());
    }

    /** The pid in the lock file of the daemon on {@code home}. */
    OptionalLong pid(Path home) throws IOException {
        Path lock = home.resolve("wokd.lock");
        if (!Files.exists(lock)) {
            return OptionalLong.empty();
        }
        String text = Files.readString(lock).trim();
        if (text.isEmpty()) {
            return OptionalLong.empty();
        }
        long pid = Long.parseLong(text);
        seen.add(pid);
        return OptionalLong.of(pid);
    }

    void track(long pid) {
        seen.add(pid);
    }

    /**
     * Ends every daemon seen: SIGTERM first, so that one shuts down as a user's would and leaves nothing
     * behind (a wokd auto-started from the test class path unpacks sqlite-jdbc's library into /tmp and
     * removes it only on a clean exit); SIGKILL for one still there after 10 s.
     */
    void killAll() {
        List<ProcessHandle> running = seen.stream().distinct().flatMap(pid -> ProcessHandle.of(pid).stream()).toList();
        running.forEach(ProcessHandle::destroy);
        for (ProcessHandle p : running) {
            if (!awaitExit(p)) {
                p.destroyForcibly();
                awaitExit(p);
            }
        }
    }

    private static boolean awaitExit(ProcessHandle p) {
        return p.onExit().orTimeout(10, TimeUnit.SECONDS).handle((exited, timedOut) -> timedOut == null).join();
    }

    static boolean alive(long pid) {
        return Processes.alive(pid);
    }

    /** A process's environment as NUL-separated NAME=value text (readable for our own uid's processes). */
    static String environment(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "environ"), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
