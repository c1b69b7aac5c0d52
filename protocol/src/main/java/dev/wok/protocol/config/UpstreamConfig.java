package dev.wok.protocol.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where and how to sync. No URL means sync is {@code disabled}: the daemon keeps everything local.
 * The token is never held here when it comes from a file: the file is read afresh on every attempt.
 */
public record UpstreamConfig(Optional<URI> url, Optional<String> token, Optional<Path> tokenFile, RetryPolicy retry,
                             HeartbeatPolicy heartbeat) {
    public static final UpstreamConfig DISABLED = new UpstreamConfig(Optional.empty(), Optional.empty(), Optional.empty(),
            RetryPolicy.DEFAULTS, HeartbeatPolicy.DEFAULTS);

    /** Query parameters whose values are credentials by their names (token=, api_key=, sig=, ...). */
    private static final Pattern SECRET_PARAMETER = Pattern.compile("(?i)token|key|secret|pass|pwd|auth|sig|credential|session");

    /** The URL as it may be shown or logged: user info (credentials) replaced. */
    public Optional<String> redactedUrl() {
        return url.map(UpstreamConfig::redact);
    }

    /** The URL with its user info and the values of credential-like query parameters replaced by ***. */
    public static String redact(URI uri) {
        String text = uri.toString();
        if (uri.getRawUserInfo() != null) {
            text = text.replace(uri.getRawUserInfo() + "@", "***@");
        }
        String query = uri.getRawQuery();
        if (query != null) {
            List<String> parameters = new ArrayList<>();
            for (String parameter : query.split("&", -1)) {
                int equals = parameter.indexOf('=');
                String name = equals < 0 ? parameter : parameter.substring(0, equals);
                parameters.add(equals >= 0 && SECRET_PARAMETER.matcher(name).find() ? name + "=***" : parameter);
            }
            text = text.replace("?" + query, "?" + String.join("&", parameters));
        }
        return text;
    }

    @Override
    public String toString() {
        return "UpstreamConfig[url=" + redactedUrl().orElse("none") + ", token=" + (token.isPresent() ? "***" : "none")
                + ", tokenFile=" + tokenFile.map(Path::toString).orElse("none") + ", retry=" + retry
                + ", heartbeat=" + heartbeat + "]";
    }
}
