package dev.wok.cli.doctor;

import dev.wok.protocol.files.IoErrors;
import dev.wok.protocol.files.PrivateDirectory;
import dev.wok.protocol.paths.CurrentUser;
import dev.wok.protocol.paths.SocketPathTooLongException;
import dev.wok.protocol.paths.WokPaths;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/** Where wok keeps its socket and state, and whether wokd may use those places: the checks wokd makes at start. */
final class FileChecks {
    private static final String GROUP = "files";

    private FileChecks() {}

    static List<Check> run(WokPaths paths) {
        return List.of(socketPath(paths), directory(paths.socketDir(), "socket"), directory(paths.stateDir(), "state"));
    }

    private static Check socketPath(WokPaths paths) {
        try {
            paths.checkSocketPathLength();
        } catch (SocketPathTooLongException e) {
            return Check.fail(GROUP, "socket path", e.getMessage().lines().findFirst().orElse(""),
                    "set WOK_SOCKET (or WOK_HOME) to a shorter path, e.g. /tmp/wok-" + CurrentUser.uid() + "/wokd.sock");
        }
        return Check.pass(GROUP, "socket path", paths.socket() + " (" + paths.socket().toString()
                .getBytes(StandardCharsets.UTF_8).length + " of " + paths.platform().maxSocketPathBytes() + " bytes)");
    }

    private static Check directory(Path dir, String role) {
        String name = role + " directory";
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return Check.pass(GROUP, name, dir + " does not exist yet; wokd makes it (mode 700) when it starts");
        }
        try {
            PrivateDirectory.verify(dir, CurrentUser.uid(), role);
            return Check.pass(GROUP, name, dir + " (yours, mode "
                    + PosixFilePermissions.toString(Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS)) + ")");
        } catch (PrivateDirectory.UnsafeDirectoryException e) {
            return Check.fail(GROUP, name, e.getMessage(), "make it a directory of your own that only you can write ("
                    + "chmod 700 " + dir + "), or set WOK_HOME to one");
        } catch (IOException e) {
            return Check.fail(GROUP, name, "cannot inspect " + dir + ": " + IoErrors.cause(e),
                    "check the permissions of " + dir + " and its parents");
        }
    }
}
