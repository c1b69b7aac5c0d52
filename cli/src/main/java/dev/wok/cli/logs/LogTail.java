package dev.wok.cli.logs;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * {@code wokd logs}: the last lines of wokd's log, then, when following, each line as it is written,
 * across roll-overs. Logback rolls {@code wokd.log} by moving it away ({@code wokd.log.1.gz}) and
 * opening a new one; the follower keeps the old file open, reads what is left of it, then continues at
 * the start of the new one, so no line is lost or shown twice. Only whole lines are printed while
 * following (a line being written is printed once it ends), so text is never cut inside a character.
 */
public final class LogTail implements AutoCloseable {
    private static final int CHUNK = 8192;

    private final Path file;
    private final PrintWriter out;
    private FileChannel channel;
    private Object fileKey;
    private long position;
    /** Bytes of a line that has not ended yet. */
    private byte[] pending = new byte[0];

    private LogTail(Path file, PrintWriter out) {
        this.file = file;
        this.out = out;
    }

    /**
     * Prints the last {@code lines} lines of {@code file} and returns a tail positioned after them, ready to
     * {@link #follow}. A file that does not exist yet prints nothing (see {@link #exists}).
     */
    public static LogTail printLast(Path file, int lines, PrintWriter out) throws IOException {
        LogTail tail = new LogTail(file, out);
        if (tail.open()) {
            tail.position = startOfLastLines(tail.channel, lines);
            tail.readAvailable();
        }
        return tail;
    }

    public static boolean exists(Path file) {
        return Files.exists(file);
    }

    /** Prints what is left of a line that did not end (for a plain 'wokd logs', which prints and exits). */
    public void flushPartialLine() {
        if (pending.length > 0) {
            out.println(new String(pending, StandardCharsets.UTF_8));
            pending = new byte[0];
        }
        out.flush();
    }

    /** Polls every {@code interval} while {@code keepGoing} says so; returns when it stops or the thread is interrupted. */
    public void follow(BooleanSupplier keepGoing, Duration interval) throws IOException {
        while (keepGoing.getAsBoolean()) {
            poll();
            try {
                Thread.sleep(interval.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** One look: new lines of the open file, then a switch to a new file if the log was rolled over or truncated. */
    void poll() throws IOException {
        if (channel == null) {
            if (open()) {
                readAvailable();
            }
            return;
        }
        readAvailable();
        Object current = currentKey();
        if (!Objects.equals(current, fileKey)) {
            // Rolled over: the old file is complete now (Logback closed it before moving it); the new one
            // is read from its start.
            readAvailable();
            closeChannel();
            if (current != null && open()) {
                readAvailable();
            }
        } else if (channel.size() < position) {
            position = 0; // truncated in place
            pending = new byte[0];
            readAvailable();
        }
    }

    /**
     * Opens the file the path names now. Which file was opened is known only if the path named the same
     * one before and after the open (a roll-over can happen in between); otherwise it tries again.
     */
    private boolean open() throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            Object before = currentKey();
            if (before == null) {
                return false;
            }
            FileChannel opened;
            try {
                opened = FileChannel.open(file, StandardOpenOption.READ);
            } catch (NoSuchFileException e) {
                continue;
            }
            if (Objects.equals(before, currentKey())) {
                channel = opened;
                fileKey = before;
                position = 0;
                pending = new byte[0];
                return true;
            }
            opened.close();
        }
        return false;
    }

    private Object currentKey() {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    /** Prints the whole lines between {@code position} and the end of the open file. */
    private void readAvailable() throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
        boolean wrote = false;
        while (true) {
            buffer.clear();
            int read = channel.read(buffer, position);
            if (read <= 0) {
                break;
            }
            position += read;
            byte[] joined = new byte[pending.length + read];
            System.arraycopy(pending, 0, joined, 0, pending.length);
            System.arraycopy(buffer.array(), 0, joined, pending.length, read);
            int lastNewline = lastIndexOf(joined, (byte) '\n');
            if (lastNewline >= 0) {
                out.write(new String(joined, 0, lastNewline + 1, StandardCharsets.UTF_8));
                wrote = true;
            }
            pending = java.util.Arrays.copyOfRange(joined, lastNewline + 1, joined.length);
        }
        if (wrote) {
            out.flush();
        }
    }

    /** Where the last {@code lines} lines begin: scans back from the end, a chunk at a time. */
    static long startOfLastLines(FileChannel channel, int lines) throws IOException {
        long size = channel.size();
        if (lines <= 0) {
            return size;
        }
        long end = size;
        int newlines = 0;
        ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
        // A last line without its newline is a line too; the newline that ends the file starts nothing.
        boolean skipFinalNewline = true;
        while (end > 0) {
            int length = (int) Math.min(CHUNK, end);
            buffer.clear().limit(length);
            channel.read(buffer, end - length);
            for (int i = length - 1; i >= 0; i--) {
                if (buffer.get(i) == '\n') {
                    if (skipFinalNewline && end - length + i == size - 1) {
                        continue;
                    }
                    newlines++;
                    if (newlines == lines) {
                        return end - length + i + 1;
                    }
                }
            }
            skipFinalNewline = false;
            end -= length;
        }
        return 0;
    }

    private static int lastIndexOf(byte[] bytes, byte value) {
        for (int i = bytes.length - 1; i >= 0; i--) {
            if (bytes[i] == value) {
                return i;
            }
        }
        return -1;
    }

    private void closeChannel() throws IOException {
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }

    @Override
    public void close() throws IOException {
        closeChannel();
    }
}
