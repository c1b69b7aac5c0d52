package dev.wok.daemon.lifecycle;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * A directory only its owner may write: the socket's and the state's. wokd creates it 0700 when absent
 * and refuses one that another user owns or that others can write, since they could swap the socket.
 */
public final class PrivateDirectory {
    private PrivateDirectory() {}

    public static void prepare(Path dir, int ownUid, String role) throws StartupException {
        try {
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
            if (!Files.isDirectory(dir)) {
                throw new StartupException(StartupException.Reason.UNSAFE_SOCKET_DIRECTORY,
                        role + " directory " + dir + " exists but is not a directory; remove it or point "
                                + "WOK_HOME/WOK_SOCKET elsewhere");
            }
            int owner = (Integer) Files.getAttribute(dir, "unix:uid");
            if (owner != ownUid) {
                throw new StartupException(StartupException.Reason.UNSAFE_SOCKET_DIRECTORY,
                        role + " directory " + dir + " belongs to uid " + owner + ", not to you (uid " + ownUid
                                + "); another user could replace the socket. Remove it, or set WOK_HOME or "
                                + "WOK_SOCKET to a directory of your own");
            }
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dir);
            if (mode.contains(PosixFilePermission.GROUP_WRITE) || mode.contains(PosixFilePermission.OTHERS_WRITE)) {
                throw new StartupException(StartupException.Reason.UNSAFE_SOCKET_DIRECTORY,
                        role + " directory " + dir + " is writable by " + (mode.contains(PosixFilePermission.OTHERS_WRITE)
                                ? "everyone" : "its group") + " (mode " + PosixFilePermissions.toString(mode)
                                + "); other users could replace the socket. Fix it with: chmod 700 " + dir);
            }
        } catch (IOException e) {
            throw new StartupException(StartupException.Reason.CANNOT_WRITE_STATE,
                    "cannot prepare " + role + " directory " + dir + ": " + e.getMessage(), e);
        }
    }
}
