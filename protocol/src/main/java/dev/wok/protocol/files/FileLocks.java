package dev.wok.protocol.files;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;

/** Exclusive file locks that treat "held by this very JVM" like "held by another process". */
public final class FileLocks {
    private FileLocks() {}

    /** The lock, or null when anyone (another process, or this JVM: tests run several daemons) holds it. */
    public static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException heldInThisJvm) {
            return null;
        }
    }
}
