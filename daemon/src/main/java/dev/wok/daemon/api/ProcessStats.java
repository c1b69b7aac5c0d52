package dev.wok.daemon.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Memory figures of this process, sampled off the event loops (reading procfs is I/O) and read by
 * {@code status} as an immutable snapshot.
 */
public record ProcessStats(long heapUsedBytes, long heapMaxBytes, OptionalLong rssBytes) {
    private static final Path PROC_STATUS = Path.of("/proc/self/status");

    public static ProcessStats sample() {
        Runtime runtime = Runtime.getRuntime();
        return new ProcessStats(runtime.totalMemory() - runtime.freeMemory(), runtime.maxMemory(), residentSetSize());
    }

    /** VmRSS from procfs where there is one (Linux); unknown elsewhere. */
    static OptionalLong residentSetSize() {
        try {
            if (!Files.isReadable(PROC_STATUS)) {
                return OptionalLong.empty();
            }
            for (String line : Files.readAllLines(PROC_STATUS, StandardCharsets.US_ASCII)) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.substring(6).trim().split("\\s+");
                    return OptionalLong.of(Long.parseLong(parts[0]) * 1024);
                }
            }
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
        return OptionalLong.empty();
    }
}
