package dev.wok.protocol.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** What wok needs to know about other processes: alive (a zombie is not), and what they run. Linux procfs where it helps. */
public final class Processes {
    private Processes() {}

    /** Alive and not a zombie: a process that exited but was not reaped yet is gone for every purpose of ours. */
    public static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && !zombie(pid);
    }

    public static boolean zombie(long pid) {
        return state(pid).map(s -> s == 'Z').orElse(false);
    }

    /** Stopped by a signal (SIGSTOP, or a debugger): alive, but answers nothing. */
    public static boolean stopped(long pid) {
        return state(pid).map(s -> s == 'T' || s == 't').orElse(false);
    }

    /** The one-letter state in /proc/PID/stat (R, S, D, Z, T...), where there is procfs. */
    private static Optional<Character> state(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
            int afterName = stat.lastIndexOf(')');
            if (afterName > 0 && afterName + 2 < stat.length()) {
                return Optional.of(stat.charAt(afterName + 2));
            }
        } catch (IOException | RuntimeException e) {
            // no procfs, or the process is gone
        }
        return Optional.empty();
    }

    /** The full command line, where the platform tells it. */
    public static Optional<String> commandLine(long pid) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            if (raw.length > 0) {
                return Optional.of(new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').trim());
            }
        } catch (IOException | RuntimeException e) {
            // fall back to what the JDK knows
        }
        return ProcessHandle.of(pid).flatMap(p -> p.info().commandLine());
    }
}
