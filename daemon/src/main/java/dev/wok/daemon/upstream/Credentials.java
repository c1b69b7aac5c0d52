package dev.wok.daemon.upstream;

import dev.wok.protocol.config.UpstreamConfig;
import dev.wok.protocol.files.TokenFile;
import java.util.Optional;

/**
 * The bearer token, read afresh for every attempt so a refreshed token needs no restart. Never logged.
 * Reading the file blocks, so the dialer calls this off the connector's event loop.
 */
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
        try {
            return Optional.of(TokenFile.read(config.tokenFile().get()));
        } catch (TokenFile.TokenFileException e) {
            throw new CredentialsException(e.getMessage());
        }
    }

    static final class CredentialsException extends Exception {
        CredentialsException(String message) {
            super(message);
        }
    }
}
