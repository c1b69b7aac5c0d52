package dev.wok.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wok.cli.ExitCodes;
import dev.wok.protocol.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wok doctor} against a real relay that requires a token and a real wokd: all green when all is well,
 * and each thing only a real pair can show, provoked: the daemon's own view of a refused token, a config
 * edited but not reloaded, a relay gone, and a daemon that is there but frozen.
 */
@Timeout(120)
class DoctorTest {
    @TempDir
    Path tmp;

    Path home;
    Path goodToken;
    Map<String, String> env;
    RelayProcess relay;
    final DaemonProcesses daemons = new DaemonProcesses();

    @BeforeEach
    void relayAndConfig() throws IOException {
        home = Files.createDirectory(tmp.resolve("home"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        goodToken = token("good", "s3cret");
        relay = RelayProcess.start(tmp.resolve("relay"), 0, goodToken);
        env = DaemonProcesses.env(home);
        config(goodToken);
    }

    @AfterEach
    void stop() throws Exception {
        daemons.pid(home).ifPresent(pid -> signal(pid, "CONT"));
        CliRun.wokd(env, "stop");
        daemons.killAll();
        relay.close();
    }

    @Test
    void a_connected_daemon_and_a_reachable_relay_pass_every_check() throws Exception {
        startConnected();

        CliRun run = CliRun.wok(env, "doctor", "--json");

        assertThat(run.exitCode()).as(run.out()).isZero();
        JsonNode report = Json.mapper().readTree(run.out());
        assertThat(report.path("ok").asBoolean()).isTrue();
        assertThat(check(report, "wokd").path("detail").asText()).startsWith("running (pid " + daemons.pid(home).getAsLong());
        assertThat(check(report, "wokd's upstream").path("detail").asText()).startsWith("connected to " + relay.url() + " since ");
        assertThat(check(report, "WebSocket upgrade").path("outcome").asText()).isEqualTo("pass");
        assertThat(check(report, "token accepted").path("detail").asText()).isEqualTo("the upstream took the token");
        assertThat(CliRun.wok(env, "status", "--json").out()).as("doctor's upgrade left the daemon connected").contains("\"connected\"");
    }

    @Test
    void a_wrong_token_fails_both_in_the_daemon_and_at_the_upstream() throws Exception {
        config(token("wrong", "nope"));
        assertThat(CliRun.wokd(env, "start").exitCode()).isZero();
        assertThat(CliRun.wok(env, "status", "--wait", "connected", "--timeout", "20s").exitCode()).isEqualTo(ExitCodes.NOT_CONNECTED);

        CliRun run = CliRun.wok(env, "doctor");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(run.out()).contains("✗ wokd's upstream: wokd gave up on " + relay.url() + ": the relay refused our credentials (HTTP 401)")
                .contains("✓ WebSocket upgrade: the upstream answers at /sync and asks for credentials")
                .contains("✗ token accepted: the upstream refused the token (HTTP 401)")
                .contains("2 of ").contains("checks failed: wokd's upstream, token accepted");
    }

    @Test
    void a_config_edited_but_not_reloaded_says_reload_and_passes_after_it() throws Exception {
        startConnected();
        Files.writeString(home.resolve("config.toml"), "");

        CliRun before = CliRun.wok(env, "doctor");
        assertThat(before.out()).contains("✗ wokd's upstream: wokd syncs with " + relay.url() + ", but the config now says no upstream")
                .contains("fix: have wokd read its config again: wokd reload");

        assertThat(CliRun.wokd(env, "reload").exitCode()).isZero();
        CliRun after = CliRun.wok(env, "doctor");
        assertThat(after.exitCode()).as(after.out()).isZero();
        assertThat(after.out()).contains("✓ wokd's upstream: none: wokd keeps everything local");
    }

    @Test
    void a_relay_gone_shows_in_the_daemon_and_at_tcp() throws Exception {
        startConnected();
        relay.kill();

        CliRun run = CliRun.wok(env, "doctor");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(run.out()).contains("✗ wokd's upstream: not connected to " + relay.url())
                .contains("✗ TCP: cannot connect to 127.0.0.1 port ").contains("connection refused")
                .contains("fix: nothing listens there: start the upstream");
    }

    @Test
    void a_frozen_daemon_is_named_by_pid_with_restart() throws Exception {
        startConnected();
        long pid = daemons.pid(home).getAsLong();
        signal(pid, "STOP");

        CliRun run = CliRun.wok(env, "doctor", "--timeout", "1s");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(run.out()).contains("✗ wokd: wokd (pid " + pid + ") does not answer on " + home.resolve("wokd.sock") + " within 1000 ms")
                .contains("fix: restart it: wokd restart");
    }

    private void startConnected() throws IOException {
        CliRun start = CliRun.wokd(env, "start");
        assertThat(start.exitCode()).as(start.err()).isZero();
        daemons.pid(home);
        CliRun connected = CliRun.wok(env, "status", "--wait", "connected", "--timeout", "20s");
        assertThat(connected.exitCode()).as(connected.out() + connected.err()).isZero();
    }

    private Path token(String name, String value) throws IOException {
        Path file = Files.writeString(tmp.resolve(name + ".token"), value + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private void config(Path tokenFile) throws IOException {
        Files.writeString(home.resolve("config.toml"), "[upstream]\nurl = \"" + relay.url() + "\"\ntoken_file = \"" + tokenFile
                + "\"\n[upstream.retry]\nbase_ms = 100\ncap_ms = 500\n");
    }

    private static JsonNode check(JsonNode report, String name) {
        for (JsonNode check : report.path("checks")) {
            if (check.path("name").asText().equals(name)) {
                return check;
            }
        }
        throw new AssertionError("no check named " + name + " in " + report);
    }

    private static void signal(long pid, String name) {
        try {
            new ProcessBuilder("kill", "-" + name, Long.toString(pid)).start().waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
