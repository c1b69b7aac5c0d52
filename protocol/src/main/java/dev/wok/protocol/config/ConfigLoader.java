package dev.wok.protocol.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.wok.protocol.files.IoErrors;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads config.toml (README, "Configuration"): every key optional, environment over file. Strict: an unknown key or
 * a bad value is an error naming the key, the file and what is allowed, because a typo that silently
 * disabled sync would be found only when data failed to arrive.
 */
public final class ConfigLoader {
    public static final String WOK_UPSTREAM_URL = "WOK_UPSTREAM_URL";
    public static final String WOK_UPSTREAM_TOKEN = "WOK_UPSTREAM_TOKEN";

    private static final TomlMapper TOML = new TomlMapper();
    private static final long MAX_MS = Duration.ofHours(24).toMillis();
    /** Far more than any real config.toml. */
    public static final int MAX_CONFIG_BYTES = 1 << 20;

    private ConfigLoader() {}

    /**
     * Loads {@code file} (a missing file means all defaults) and applies the environment. Only a regular
     * file of at most {@link #MAX_CONFIG_BYTES} is read: a config pointed at /dev/zero, a FIFO or a huge
     * file must be refused, not read until memory runs out.
     */
    public static WokConfig load(Path file, Map<String, String> env) throws ConfigException {
        String text;
        boolean othersCanRead = false;
        try {
            PosixFileAttributes attributes = Files.readAttributes(file, PosixFileAttributes.class);
            if (!attributes.isRegularFile()) {
                throw new ConfigException("config " + file + " is not a regular file; point WOK_CONFIG at a TOML file,"
                        + " or remove " + file);
            }
            if (attributes.size() > MAX_CONFIG_BYTES) {
                throw new ConfigException("config " + file + " is " + attributes.size() + " bytes, over the limit of "
                        + MAX_CONFIG_BYTES + "; is it the right file?");
            }
            Set<PosixFilePermission> permissions = attributes.permissions();
            othersCanRead = permissions.contains(PosixFilePermission.GROUP_READ) || permissions.contains(PosixFilePermission.OTHERS_READ);
            byte[] bytes;
            try (InputStream in = Files.newInputStream(file)) {
                bytes = in.readNBytes(MAX_CONFIG_BYTES + 1);
            }
            if (bytes.length > MAX_CONFIG_BYTES) {
                throw new ConfigException("config " + file + " grew past the limit of " + MAX_CONFIG_BYTES + " bytes while read");
            }
            text = new String(bytes, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            text = "";
        } catch (IOException e) {
            throw new ConfigException("cannot read config " + file + ": " + IoErrors.cause(e), e);
        }
        return parse(text, file.toString(), env, Path.of(env.getOrDefault("HOME", System.getProperty("user.home"))), othersCanRead);
    }

    static WokConfig parse(String toml, String source, Map<String, String> env, Path home) throws ConfigException {
        return parse(toml, source, env, home, false);
    }

    /** {@code othersCanRead}: whether group or others can read the file, which then must not hold a token. */
    static WokConfig parse(String toml, String source, Map<String, String> env, Path home, boolean othersCanRead)
            throws ConfigException {
        JsonNode root;
        try {
            root = toml.isBlank() ? TOML.createObjectNode() : TOML.readTree(toml);
        } catch (JsonProcessingException e) {
            throw new ConfigException("config " + source + " is not valid TOML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"), e);
        }
        Section top = new Section((ObjectNode) root, "", source).allow("upstream", "daemon", "store", "ipc");
        Section upstream = top.section("upstream").allow("url", "token", "token_file", "retry", "heartbeat");
        Section retry = upstream.section("retry").allow("base_ms", "multiplier", "cap_ms", "max_attempts", "connect_timeout_ms");
        Section heartbeat = upstream.section("heartbeat").allow("interval_ms", "timeout_ms");
        Section daemon = top.section("daemon").allow("autostart");
        Section store = top.section("store").allow("max_pending");
        Section ipc = top.section("ipc").allow("max_unread_mib", "max_unread_total_mib", "max_unfinished_requests_mib");

        RetryPolicy d = RetryPolicy.DEFAULTS;
        Duration base = retry.millis("base_ms", 1, d.base());
        Duration cap = retry.millis("cap_ms", 1, d.cap());
        if (cap.compareTo(base) < 0) {
            throw retry.invalid("cap_ms", "must be at least base_ms (" + base.toMillis() + ")", cap.toMillis());
        }
        RetryPolicy retryPolicy = new RetryPolicy(base, retry.decimal("multiplier", 1.0, 10.0, d.multiplier()), cap,
                (int) retry.whole("max_attempts", 1, 1000, d.maxAttempts()),
                retry.millis("connect_timeout_ms", 100, d.connectTimeout()));
        Duration interval = heartbeat.millis("interval_ms", 100, HeartbeatPolicy.DEFAULTS.interval());
        Duration timeout = heartbeat.millis("timeout_ms", 100, HeartbeatPolicy.DEFAULTS.timeout());
        if (timeout.compareTo(interval) <= 0) {
            throw heartbeat.invalid("timeout_ms", "must be longer than interval_ms (" + interval.toMillis()
                    + "), or a quiet but healthy connection would be declared dead", timeout.toMillis());
        }

        Optional<String> envUrl = nonBlank(env.get(WOK_UPSTREAM_URL));
        Optional<String> urlText = envUrl.isPresent() ? envUrl : upstream.text("url");
        String urlSource = envUrl.isPresent() ? WOK_UPSTREAM_URL : upstream.where("url");
        Optional<URI> url = urlText.isEmpty() ? Optional.empty() : Optional.of(upstreamUri(urlText.get(), urlSource));
        Optional<String> envToken = nonBlank(env.get(WOK_UPSTREAM_TOKEN));
        Optional<String> token = envToken.isPresent() ? envToken : upstream.text("token");
        Optional<Path> tokenFile = upstream.text("token_file").map(p -> expandHome(p, home));
        if (upstream.has("token") && othersCanRead) {
            throw new ConfigException("config " + source + " holds upstream.token but group or others can read it; fix it"
                    + " with: chmod 600 " + source + " (or move the token to a token_file)");
        }
        if (upstream.has("token") && tokenFile.isPresent()) {
            throw new ConfigException("config " + source + ": set upstream.token or upstream.token_file, not both");
        }
        IpcConfig i = IpcConfig.DEFAULTS;
        long unread = ipc.whole("max_unread_mib", 1, 1024, i.maxUnreadBytes() / IpcConfig.MIB);
        long unreadTotal = ipc.whole("max_unread_total_mib", 1, 4096, i.maxUnreadTotalBytes() / IpcConfig.MIB);
        if (unreadTotal < unread) {
            throw ipc.invalid("max_unread_total_mib", "must be at least max_unread_mib (" + unread + ")", unreadTotal);
        }
        // One request of the largest size (a 16 MiB binary frame) must fit, or no client could send one.
        long unfinished = ipc.whole("max_unfinished_requests_mib", 16, 4096, i.maxUnfinishedRequestBytes() / IpcConfig.MIB);
        return new WokConfig(new UpstreamConfig(url, token, tokenFile, retryPolicy, new HeartbeatPolicy(interval, timeout)),
                daemon.bool("autostart", true),
                new StoreConfig(store.whole("max_pending", 1, 1_000_000_000L, StoreConfig.DEFAULTS.maxPending())),
                new IpcConfig(unread * IpcConfig.MIB, unreadTotal * IpcConfig.MIB, unfinished * IpcConfig.MIB));
    }

    private static URI upstreamUri(String text, String where) throws ConfigException {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new ConfigException(where + " is not a URL: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("ws") && !scheme.equals("wss")) {
            throw new ConfigException(where + " must be a ws:// or wss:// URL, e.g. ws://127.0.0.1:7890/sync; got "
                    + UpstreamConfig.redact(uri));
        }
        if (uri.getHost() == null) {
            throw new ConfigException(where + " has no host: " + UpstreamConfig.redact(uri));
        }
        return uri;
    }

    private static Path expandHome(String path, Path home) {
        if (path.equals("~")) {
            return home;
        }
        return path.startsWith("~/") ? home.resolve(path.substring(2)) : Path.of(path);
    }

    private static Optional<String> nonBlank(String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
    }

    /** One table of the file, read strictly. */
    private static final class Section {
        private final ObjectNode node;
        private final String path;
        private final String source;

        Section(ObjectNode node, String path, String source) {
            this.node = node;
            this.path = path;
            this.source = source;
        }

        Section allow(String... keys) throws ConfigException {
            Set<String> allowed = Set.of(keys);
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (!allowed.contains(key)) {
                    throw new ConfigException("config " + source + ": unknown key '" + qualified(key) + "'; "
                            + (path.isEmpty() ? "top-level tables" : "keys in [" + path + "]") + " are: "
                            + String.join(", ", new TreeSet<>(allowed)));
                }
            }
            return this;
        }

        Section section(String key) throws ConfigException {
            JsonNode child = node.get(key);
            if (child == null) {
                return new Section(TOML.createObjectNode(), qualified(key), source);
            }
            if (!child.isObject()) {
                throw new ConfigException("config " + source + ": '" + qualified(key) + "' must be a table ([" + qualified(key) + "])");
            }
            return new Section((ObjectNode) child, qualified(key), source);
        }

        boolean has(String key) {
            return node.has(key);
        }

        String where(String key) {
            return "config " + source + ": " + qualified(key);
        }

        Optional<String> text(String key) throws ConfigException {
            JsonNode value = node.get(key);
            if (value == null) {
                return Optional.empty();
            }
            if (!value.isTextual()) {
                throw invalid(key, "must be a string", value);
            }
            return nonBlank(value.asText());
        }

        boolean bool(String key, boolean fallback) throws ConfigException {
            JsonNode value = node.get(key);
            if (value == null) {
                return fallback;
            }
            if (!value.isBoolean()) {
                throw invalid(key, "must be true or false", value);
            }
            return value.asBoolean();
        }

        long whole(String key, long min, long max, long fallback) throws ConfigException {
            return whole(key, "", min, max, fallback);
        }

        Duration millis(String key, long min, Duration fallback) throws ConfigException {
            return Duration.ofMillis(whole(key, " of milliseconds", min, MAX_MS, fallback.toMillis()));
        }

        private long whole(String key, String unit, long min, long max, long fallback) throws ConfigException {
            JsonNode value = node.get(key);
            if (value == null) {
                return fallback;
            }
            if (!value.isIntegralNumber() || value.asLong() < min || value.asLong() > max) {
                throw invalid(key, "must be a whole number" + unit + " from " + min + " to " + max, value);
            }
            return value.asLong();
        }

        double decimal(String key, double min, double max, double fallback) throws ConfigException {
            JsonNode value = node.get(key);
            if (value == null) {
                return fallback;
            }
            if (!value.isNumber() || value.asDouble() < min || value.asDouble() > max) {
                throw invalid(key, "must be a number from " + min + " to " + max, value);
            }
            return value.asDouble();
        }

        ConfigException invalid(String key, String rule, Object got) {
            return new ConfigException("config " + source + ": " + qualified(key) + " " + rule + ", got " + got);
        }

        private String qualified(String key) {
            return path.isEmpty() ? key : path + "." + key;
        }
    }
}
