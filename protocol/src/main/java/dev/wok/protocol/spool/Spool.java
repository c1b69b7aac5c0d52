package dev.wok.protocol.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The spool: ops that {@code wok push} could not hand to wokd, one file per op, written so that a crash
 * never leaves half an op (a temp file, fsynced, renamed into place, the directory fsynced). Names sort in
 * push order: the time in milliseconds, then the pushing process, then its own count. wokd takes them in
 * at its next start, in that order, before it serves pushes.
 */
public final class Spool {
    public static final String SUFFIX = ".op.json";
    private static final AtomicLong COUNTER = new AtomicLong();

    private final Path dir;

    public Spool(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** Writes one op durably; returns its file. */
    public Path write(String body) throws IOException {
        if (!Files.isDirectory(dir)) {
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (FileAlreadyExistsException raced) {
                // made by another writer meanwhile
            }
        }
        String name = String.format("%013d-%010d-%06d", System.currentTimeMillis(), ProcessHandle.current().pid(),
                COUNTER.incrementAndGet() % 1_000_000);
        Path temp = dir.resolve("." + name + ".tmp");
        Path target = dir.resolve(name + SUFFIX);
        try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer bytes = ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
            out.force(true);
        }
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target);
        }
        syncDirectory();
        return target;
    }

    /** A rename is durable only once its directory is: fsync it where the platform allows opening one. */
    private void syncDirectory() {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Not every platform lets a directory be opened; the rename still happened.
        }
    }

    /** The spooled ops, oldest first. */
    public List<Path> files() throws IOException {
        List<Path> files = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return files;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            entries.forEach(files::add);
        }
        files.sort(null);
        return files;
    }

    /** How many ops wait in the spool; 0 when it cannot be read. */
    public int count() {
        try {
            return files().size();
        } catch (IOException e) {
            return 0;
        }
    }
}
