package dev.wok.protocol.files;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * A bearer token kept in a file, as the daemon and the relay both read it: the file must not be readable
 * by group or others, and must hold a token. Every refusal names the file, the cause and the fix.
 */
public final class TokenFile {
    private TokenFile() {}

    /** A token file that cannot be used; the message says why and what to do. */
    public static final class TokenFileException extends Exception {
        public TokenFileException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public static String read(Path file) throws TokenFileException {
        try {
            if (Files.isDirectory(file)) {
                throw new TokenFileException("token file " + file + " is a directory; point it at the file holding the token", null);
            }
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
            if (mode.contains(PosixFilePermission.GROUP_READ) || mode.contains(PosixFilePermission.OTHERS_READ)) {
                throw new TokenFileException("token file " + file + " is readable by others; fix it with: chmod 600 " + file, null);
            }
            String token = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (token.isEmpty()) {
                throw new TokenFileException("token file " + file + " is empty; write the token into it", null);
            }
            return token;
        } catch (IOException e) {
            String cause = IoErrors.cause(e);
            String fix = Files.exists(file, LinkOption.NOFOLLOW_LINKS) ? "check its owner and mode (chmod 600 " + file + ")"
                    : "create it with the token, or fix the path";
            throw new TokenFileException("cannot read token file " + file + ": " + cause + "; " + fix, e);
        }
    }
}
