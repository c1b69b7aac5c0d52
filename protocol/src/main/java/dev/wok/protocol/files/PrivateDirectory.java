package dev.wok.protocol.files;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * A directory only its owner may write: the socket's and the state's. Created 0700 when absent; refused
 * when it is a symbolic link (another user could point it anywhere later), belongs to another user, or
 * others can write it (they could swap the socket). The daemon and the client's starter both use it.
 */
public final class PrivateDirectory {
    private PrivateDirectory() {}

    /** A directory wok must not use; the message names it, the problem and the fix. */
    public static final class UnsafeDirectoryException extends Exception {
        public UnsafeDirectoryException(String message) {
            super(message);
        }
    }

    /**
     * @param role what the directory is for ("state", "socket"), for the messages
     * @throws IOException when it cannot be created or inspected
     */
    public static void prepare(Path dir, int ownUid, String role) throws UnsafeDirectoryException, IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Path parent = dir.getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (FileAlreadyExistsException raced) {
                // Another process made it between our check and now; it is verified below like any other.
            }
        }
        verify(dir, ownUid, role);
    }

    /** The checks of {@link #prepare} on a directory that exists, creating nothing: what {@code wok doctor} runs. */
    public static void verify(Path dir, int ownUid, String role) throws UnsafeDirectoryException, IOException {
        if (Files.isSymbolicLink(dir)) {
            throw new UnsafeDirectoryException(role + " directory " + dir + " is a symbolic link; wok uses only a real"
                    + " directory there, since a link can be swapped to point elsewhere. Remove it (rm " + dir
                    + "), or set WOK_HOME or WOK_SOCKET to a directory of your own");
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new UnsafeDirectoryException(role + " directory " + dir + " exists but is not a directory; remove it or"
                    + " point WOK_HOME/WOK_SOCKET elsewhere");
        }
        int owner = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        if (owner != ownUid) {
            throw new UnsafeDirectoryException(role + " directory " + dir + " belongs to uid " + owner + ", not to you (uid "
                    + ownUid + "); another user could replace the socket. Remove it, or set WOK_HOME or WOK_SOCKET to a"
                    + " directory of your own");
        }
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
        if (mode.contains(PosixFilePermission.GROUP_WRITE) || mode.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new UnsafeDirectoryException(role + " directory " + dir + " is writable by "
                    + (mode.contains(PosixFilePermission.OTHERS_WRITE) ? "everyone" : "its group") + " (mode "
                    + PosixFilePermissions.toString(mode) + "); other users could replace the socket. Fix it with: chmod 700 " + dir);
        }
        Path parent = dir.toAbsolutePath().getParent();
        boolean shared = parent != null && Files.getPosixFilePermissions(parent).contains(PosixFilePermission.OTHERS_WRITE);
        if (shared && !mode.equals(PosixFilePermissions.fromString("rwx------"))) {
            // In a directory everyone can write (/tmp, the fallback without XDG_RUNTIME_DIR) only exactly
            // ours will do: its name is all that tells it apart, and anyone can make one like it.
            throw new UnsafeDirectoryException(role + " directory " + dir + " is in " + parent + ", which everyone can write,"
                    + " and has mode " + PosixFilePermissions.toString(mode) + "; there it must be 0700. Fix it with: chmod 700 "
                    + dir);
        }
    }
}
