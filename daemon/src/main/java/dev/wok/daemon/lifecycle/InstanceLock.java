package dev.wok.daemon.lifecycle;

import dev.wok.protocol.files.FileLocks;
import dev.wok.protocol.files.IoErrors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.OptionalLong;

/**
 * The exclusive lock that makes one daemon per state directory. The OS drops it when the process dies,
 * however it dies, so a crashed daemon never blocks the next one. The file holds the owner's pid.
 */
public final class InstanceLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private InstanceLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    public static InstanceLock acquire(Path file) throws StartupException {
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock = FileLocks.tryLock(channel);
            if (lock == null) {
                channel.close();
                OptionalLong pid = readPid(file);
                throw new StartupException(StartupException.Reason.ALREADY_RUNNING, "wokd is already running"
                        + (pid.isPresent() ? " (pid " + pid.getAsLong() + ")" : "") + "; its lock is " + file);
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            channel.force(true);
            return new InstanceLock(channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new StartupException(StartupException.Reason.CANNOT_WRITE_STATE,
                    "cannot take the lock " + file + ": " + IoErrors.cause(e), e);
        }
    }

    /** The pid written by the lock's holder, if the file names one. */
    public static OptionalLong readPid(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
            return text.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(text));
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // Closing the channel below releases it too.
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Nothing to do: the OS releases the lock with the descriptor.
            }
        }
    }
}
