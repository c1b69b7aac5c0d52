package dev.wok.daemon.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where and how to sync. No URL means sync is {@code disabled}: the daemon keeps everything local.
 * The token is never held here when it comes from a file: the file is read afresh on every attempt.
 */
public record UpstreamConfig(Optional<URI> url, Optional<String> token, Optional<Path> tokenFile, RetryPolicy retry,
                             HeartbeatPolicy heartbeat) {
    public static final UpstreamConfig DISABLED = new UpstreamConfig(Optional.empty(), Optional.empty(), Optional.empty(),
            RetryPolicy.DEFAULTS, HeartbeatPolicy.DEFAULTS);

    /** The URL as it may be shown or logged: user info (credentials) replaced. */
    public Optional<String> redactedUrl() {
        return url.map(UpstreamConfig::redact);
    }

    public static String redact(URI uri) {
        if (uri.getRawUserInfo() == null) {
            return uri.toString();
        }
        return uri.toString().replace(uri.getRawUserInfo() + "@", "***@");
    }

    @Override
    public String toString() {
        return "UpstreamConfig[url=" + redactedUrl().orElse("none") + ", token=" + (token.isPresent() ? "***" : "none")
                + ", tokenFile=" + tokenFile.map(Path::toString).orElse("none") + ", retry=" + retry
                + ", heartbeat=" + heartbeat + "]";
    }
}
