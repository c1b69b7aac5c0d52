package dev.wok.daemon.health;

import dev.wok.protocol.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * {@code health.json}, replaced whole: written to a temporary file beside it, synced, then renamed over
 * it, so a reader sees the previous report or the next, never half of one, and a crash leaves one of
 * them. One daemon per state directory (the instance lock) means one writer.
 */
public final class HealthFile {
    private final Path file;
    private final Path temporary;

    public HealthFile(Path file) {
        this.file = file;
        this.temporary = file.resolveSibling(file.getFileName() + ".tmp");
    }

    public Path path() {
        return file;
    }

    public void write(HealthReport report) throws IOException {
        byte[] bytes = Json.treeWriter().withDefaultPrettyPrinter().writeValueAsBytes(report.toJson());
        Files.deleteIfExists(temporary);
        try (FileChannel channel = FileChannel.open(temporary, java.util.Set.of(StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory();
    }

    /** Makes the rename itself durable; where a directory cannot be opened (not POSIX), the rename still happened. */
    private void syncDirectory() {
        try (FileChannel directory = FileChannel.open(file.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
            directory.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Best effort, as above.
        }
    }
}
