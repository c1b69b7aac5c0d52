package dev.wok.protocol.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    private static final String SOURCE = "/home/u/.config/wok/config.toml";
    private static final Path HOME = Path.of("/home/u");

    @TempDir
    Path dir;

    private static WokConfig parse(String toml) throws ConfigException {
        return ConfigLoader.parse(toml, SOURCE, Map.of(), HOME);
    }

    @Test
    void a_missing_file_means_defaults_and_sync_disabled() throws ConfigException {
        WokConfig config = ConfigLoader.load(dir.resolve("config.toml"), Map.of());
        assertThat(config).isEqualTo(WokConfig.DEFAULTS);
        assertThat(config.upstream().url()).isEmpty();
    }

    @Test
    void every_documented_key_is_read() throws ConfigException {
        WokConfig config = parse("""
                [upstream]
                url = "ws://127.0.0.1:7890/sync"
                token_file = "~/.config/wok/token"

                [upstream.retry]
                base_ms = 500
                multiplier = 1.6
                cap_ms = 20000
                max_attempts = 5
                connect_timeout_ms = 3000

                [upstream.heartbeat]
                interval_ms = 1000
                timeout_ms = 3000

                [daemon]
                autostart = false
                """);
        UpstreamConfig upstream = config.upstream();
        assertThat(upstream.url()).contains(URI.create("ws://127.0.0.1:7890/sync"));
        assertThat(upstream.tokenFile()).contains(HOME.resolve(".config/wok/token"));
        assertThat(upstream.retry()).isEqualTo(new RetryPolicy(Duration.ofMillis(500), 1.6, Duration.ofSeconds(20), 5,
                Duration.ofSeconds(3)));
        assertThat(upstream.heartbeat()).isEqualTo(new HeartbeatPolicy(Duration.ofSeconds(1), Duration.ofSeconds(3)));
        assertThat(config.autostart()).isFalse();
    }

    @Test
    void an_unknown_key_names_the_key_the_file_and_the_allowed_keys() {
        assertThatThrownBy(() -> parse("[upstream.retry]\nbase = 100\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(SOURCE)
                .hasMessageContaining("unknown key 'upstream.retry.base'")
                .hasMessageContaining("base_ms");
        assertThatThrownBy(() -> parse("[upstrem]\nurl = \"ws://h/sync\"\n"))
                .hasMessageContaining("unknown key 'upstrem'").hasMessageContaining("upstream");
    }

    @Test
    void a_bad_value_names_the_key_and_the_allowed_range() {
        assertThatThrownBy(() -> parse("[upstream.retry]\nbase_ms = \"fast\"\n"))
                .hasMessageContaining("upstream.retry.base_ms must be a whole number of milliseconds");
        assertThatThrownBy(() -> parse("[upstream.retry]\nmax_attempts = 0\n"))
                .hasMessageContaining("max_attempts must be a whole number from 1 to 1000, got 0");
        assertThatThrownBy(() -> parse("[upstream.retry]\nbase_ms = 5000\ncap_ms = 1000\n"))
                .hasMessageContaining("cap_ms must be at least base_ms");
        assertThatThrownBy(() -> parse("[upstream.heartbeat]\ninterval_ms = 5000\ntimeout_ms = 4000\n"))
                .hasMessageContaining("timeout_ms must be longer than interval_ms");
        assertThatThrownBy(() -> parse("[daemon]\nautostart = \"yes\"\n"))
                .hasMessageContaining("daemon.autostart must be true or false");
        assertThatThrownBy(() -> parse("upstream = 3\n")).hasMessageContaining("'upstream' must be a table");
    }

    @Test
    void only_websocket_urls_are_accepted() {
        assertThatThrownBy(() -> parse("[upstream]\nurl = \"http://h/sync\"\n"))
                .hasMessageContaining("must be a ws:// or wss:// URL");
        assertThatThrownBy(() -> parse("[upstream]\nurl = \"ws:///sync\"\n")).hasMessageContaining("no host");
    }

    @Test
    void broken_toml_is_reported_with_its_line() {
        assertThatThrownBy(() -> parse("[upstream]\nurl = \n"))
                .hasMessageContaining("not valid TOML").hasMessageContaining("line 2");
    }

    @Test
    void the_environment_overrides_the_file() throws ConfigException {
        WokConfig config = ConfigLoader.parse("[upstream]\nurl = \"ws://file/sync\"\ntoken = \"from-file\"\n", SOURCE,
                Map.of("WOK_UPSTREAM_URL", "wss://env.example/sync", "WOK_UPSTREAM_TOKEN", "from-env"), HOME);
        assertThat(config.upstream().url()).contains(URI.create("wss://env.example/sync"));
        assertThat(config.upstream().token()).contains("from-env");
    }

    @Test
    void a_bad_url_in_the_environment_names_the_variable() {
        assertThatThrownBy(() -> ConfigLoader.parse("", SOURCE, Map.of("WOK_UPSTREAM_URL", "ftp://x"), HOME))
                .hasMessageContaining("WOK_UPSTREAM_URL");
    }

    @Test
    void token_and_token_file_together_are_ambiguous() {
        assertThatThrownBy(() -> parse("[upstream]\ntoken = \"a\"\ntoken_file = \"/t\"\n"))
                .hasMessageContaining("not both");
    }

    @Test
    void credentials_never_show_in_text() throws ConfigException {
        WokConfig config = parse("[upstream]\nurl = \"wss://user:secret@h.example/sync\"\ntoken = \"s3cr3t\"\n");
        assertThat(config.upstream().redactedUrl()).contains("wss://***@h.example/sync");
        assertThat(config.upstream().toString()).doesNotContain("secret").doesNotContain("s3cr3t");
    }

    @Test
    void credentials_in_the_query_string_are_redacted_too() throws ConfigException {
        WokConfig config = parse("[upstream]\nurl = \"wss://h.example/sync?room=blue&token=s3cr3t&API_KEY=k3y&sig=abc\"\n");
        assertThat(config.upstream().redactedUrl()).contains("wss://h.example/sync?room=blue&token=***&API_KEY=***&sig=***");
        assertThat(config.upstream().toString()).doesNotContain("s3cr3t").doesNotContain("k3y");
    }

    @Test
    void an_inline_token_in_a_file_others_can_read_is_refused_with_the_fix() throws Exception {
        Path file = dir.resolve("config.toml");
        Files.writeString(file, "[upstream]\nurl = \"ws://127.0.0.1:1/sync\"\ntoken = \"s3cr3t\"\n");
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of()))
                .hasMessageContaining("group or others can read it").hasMessageContaining("chmod 600 " + file)
                .hasMessageNotContaining("s3cr3t");
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        assertThat(ConfigLoader.load(file, Map.of()).upstream().token()).contains("s3cr3t");
        // Without a token, a readable config is fine.
        Files.writeString(file, "[upstream]\nurl = \"ws://127.0.0.1:1/sync\"\n");
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(ConfigLoader.load(file, Map.of()).upstream().url()).isPresent();
    }

    @Test
    void a_config_that_is_not_a_regular_file_or_is_huge_is_refused_not_read() throws Exception {
        assertThatThrownBy(() -> ConfigLoader.load(Path.of("/dev/zero"), Map.of()))
                .hasMessageContaining("/dev/zero is not a regular file");
        assertThatThrownBy(() -> ConfigLoader.load(dir, Map.of())).hasMessageContaining("is not a regular file");
        Path huge = dir.resolve("huge.toml");
        try (java.io.RandomAccessFile sparse = new java.io.RandomAccessFile(huge.toFile(), "rw")) {
            sparse.setLength(1L << 30);
        }
        assertThatThrownBy(() -> ConfigLoader.load(huge, Map.of())).hasMessageContaining("over the limit of 1048576");
    }

    @Test
    void load_reads_the_file_it_is_given() throws Exception {
        Path file = dir.resolve("config.toml");
        Files.writeString(file, "[upstream]\nurl = \"ws://127.0.0.1:1/sync\"\n");
        assertThat(ConfigLoader.load(file, Map.of()).upstream().url()).contains(URI.create("ws://127.0.0.1:1/sync"));
        Files.writeString(file, "[upstream]\nurll = 1\n");
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of())).hasMessageContaining(file.toString());
    }

    @Test
    void ipc_budgets_are_read_in_mebibytes_and_checked_against_each_other() throws Exception {
        WokConfig config = ConfigLoader.parse("[ipc]\nmax_unread_mib = 4\nmax_unread_total_mib = 16\n"
                + "max_unfinished_requests_mib = 32\n", "c.toml", Map.of(), Path.of("/home/u"));
        assertThat(config.ipc()).isEqualTo(new IpcConfig(4L << 20, 16L << 20, 32L << 20));
        assertThat(ConfigLoader.parse("", "c.toml", Map.of(), Path.of("/home/u")).ipc()).isEqualTo(IpcConfig.DEFAULTS);

        assertThatThrownBy(() -> ConfigLoader.parse("[ipc]\nmax_unread_mib = 16\nmax_unread_total_mib = 8\n", "c.toml",
                Map.of(), Path.of("/home/u"))).isInstanceOf(ConfigException.class)
                .hasMessage("config c.toml: ipc.max_unread_total_mib must be at least max_unread_mib (16), got 8");
        assertThatThrownBy(() -> ConfigLoader.parse("[ipc]\nmax_unfinished_requests_mib = 8\n", "c.toml", Map.of(),
                Path.of("/home/u"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("ipc.max_unfinished_requests_mib must be a whole number from 16 to 4096, got 8");
        assertThatThrownBy(() -> ConfigLoader.parse("[ipc]\nmax_unread = 8\n", "c.toml", Map.of(), Path.of("/home/u")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("unknown key 'ipc.max_unread'");
    }
}
