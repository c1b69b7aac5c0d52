package dev.wok.cli.daemon;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What a daemon that failed to start wrote to its log. The JVM reports its own start-up failures (an
 * option it rejects, a cache it cannot use) on stderr, which goes to wokd.log, so the log, not the
 * output, holds the reason. Only what was written since {@link #mark} is read, and only the end of it.
 */
final class StartLog {
    private static final int MAX_LINES = 3;
    private static final int MAX_BYTES = 64 * 1024;

    private final Path file;
    private final long start;

    private StartLog(Path file, long start) {
        this.file = file;
        this.start = start;
    }

    /** Remembers where {@code file} ends now (a missing file ends at 0). */
    static StartLog mark(Path file) {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            size = 0;
        }
        return new StartLog(file, size);
    }

    /** The last few non-blank lines written since the mark, joined with " | "; empty when there are none. */
    String lastLines() {
        try (FileChannel channel = FileChannel.open(file)) {
            long size = channel.size();
            // Smaller than at the mark: the log rolled over in between, and all of it is new.
            long from = size < start ? 0 : Math.max(start, size - MAX_BYTES);
            channel.position(from);
            Deque<String> lines = new ArrayDeque<>();
            try (InputStream in = Channels.newInputStream(channel)) {
                for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                    if (!line.isBlank()) {
                        lines.addLast(line.strip());
                        if (lines.size() > MAX_LINES) {
                            lines.removeFirst();
                        }
                    }
                }
            }
            return String.join(" | ", lines);
        } catch (IOException e) {
            return "";
        }
    }
}
