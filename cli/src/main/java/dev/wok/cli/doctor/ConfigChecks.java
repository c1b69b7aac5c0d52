package dev.wok.cli.doctor;

import dev.wok.protocol.config.ConfigException;
import dev.wok.protocol.config.ConfigLoader;
import dev.wok.protocol.config.UpstreamConfig;
import dev.wok.protocol.config.WokConfig;
import dev.wok.protocol.files.TokenFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** config.toml (and the variables over it) read as wokd reads it, and the upstream token it names. */
final class ConfigChecks {
    private static final String GROUP = "config";

    /** @param config what wokd would run with, when it can be read; {@code token} the token, when there is one */
    record Outcome(List<Check> checks, Optional<WokConfig> config, Optional<String> token) {}

    private ConfigChecks() {}

    static Outcome run(Path file, Map<String, String> env) {
        List<Check> checks = new ArrayList<>();
        WokConfig config;
        try {
            config = ConfigLoader.load(file, env);
        } catch (ConfigException e) {
            checks.add(Check.fail(GROUP, "config.toml", e.getMessage(), "fix " + file
                    + " (README, Configuration lists every key), then: wokd reload"));
            checks.add(Check.skip(GROUP, "token", "config.toml could not be read"));
            return new Outcome(checks, Optional.empty(), Optional.empty());
        }
        String upstream = config.upstream().redactedUrl().map(url -> "upstream " + url)
                .orElse("no upstream: wokd keeps everything local");
        checks.add(Check.pass(GROUP, "config.toml", (Files.exists(file) ? file.toString() : file + " absent, so all defaults")
                + "; " + upstream + (env.containsKey(ConfigLoader.WOK_UPSTREAM_URL) ? " (from " + ConfigLoader.WOK_UPSTREAM_URL + ")" : "")));
        Optional<String> token = Optional.empty();
        UpstreamConfig up = config.upstream();
        if (up.url().isEmpty()) {
            checks.add(Check.skip(GROUP, "token", "no upstream configured"));
        } else if (up.token().isPresent()) {
            token = up.token();
            boolean fromEnv = env.get(ConfigLoader.WOK_UPSTREAM_TOKEN) != null && !env.get(ConfigLoader.WOK_UPSTREAM_TOKEN).isBlank();
            checks.add(Check.pass(GROUP, "token", "set " + (fromEnv ? "by " + ConfigLoader.WOK_UPSTREAM_TOKEN : "in " + file)));
        } else if (up.tokenFile().isPresent()) {
            Path tokenFile = up.tokenFile().get();
            try {
                token = Optional.of(TokenFile.read(tokenFile));
                checks.add(Check.pass(GROUP, "token", "read from " + tokenFile + ", which only you can read"));
            } catch (TokenFile.TokenFileException e) {
                checks.add(Check.fail(GROUP, "token", e.getMessage(), "put the token in " + tokenFile + " and make it"
                        + " yours alone (chmod 600 " + tokenFile + "), or fix upstream.token_file in " + file));
            }
        } else {
            checks.add(Check.pass(GROUP, "token", "none set, so the upstream must not require one"));
        }
        return new Outcome(checks, Optional.of(config), token);
    }
}
