package dev.wok.daemon.upstream;

import dev.wok.daemon.config.UpstreamConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Optional;
import java.util.Set;

/** The bearer token, read afresh for every attempt so a refreshed token needs no restart. Never logged. */
final class Credentials {
    private final UpstreamConfig config;

    Credentials(UpstreamConfig config) {
        this.config = config;
    }

    /** The token to send, if any; a token file others can read, or cannot be read, is a fatal failure. */
    Optional<String> token() throws CredentialsException {
        if (config.token().isPresent()) {
            return config.token();
        }
        if (config.tokenFile().isEmpty()) {
            return Optional.empty();
        }
        var file = config.tokenFile().get();
        try {
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
            if (mode.contains(PosixFilePermission.GROUP_READ) || mode.contains(PosixFilePermission.OTHERS_READ)) {
                throw new CredentialsException("token file " + file + " is readable by others; fix it with: chmod 600 " + file);
            }
            String token = Files.readString(file).trim();
            if (token.isEmpty()) {
                throw new CredentialsException("token file " + file + " is empty");
            }
            return Optional.of(token);
        } catch (IOException e) {
            throw new CredentialsException("cannot read token file " + file + ": " + e.getMessage());
        }
    }

    static final class CredentialsException extends Exception {
        CredentialsException(String message) {
            super(message);
        }
    }
}
