package dev.wok.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wok.cli.ExitCodes;
import dev.wok.protocol.Json;
import dev.wok.protocol.process.Processes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** wok and wokd's client commands driving real daemon processes. */
@Timeout(180)
class WokdLifecycleTest {
    @TempDir
    Path home;

    final DaemonProcesses daemons = new DaemonProcesses();

    @AfterEach
    void cleanUp() {
        CliRun.wokd(DaemonProcesses.env(home), "stop");
        daemons.killAll();
    }

    @Test
    void start_status_ping_stop_as_a_user_would() throws Exception {
        Map<String, String> env = DaemonProcesses.env(home);

        CliRun start = CliRun.wokd(env, "start");
        assertThat(start.exitCode()).as(start.err()).isZero();
        long pid = daemons.pid(home).orElseThrow();
        assertThat(start.out()).contains("wokd started (pid " + pid + ")").contains(home.resolve("wokd.sock").toString());
        assertThat(pid).isNotEqualTo(ProcessHandle.current().pid());

        CliRun human = CliRun.wok(env, "status");
        assertThat(human.exitCode()).isZero();
        assertThat(human.out()).startsWith("○ disabled").contains("pid " + pid).contains("wokd.log");

        CliRun json = CliRun.wok(env, "status", "--json");
        JsonNode status = Json.mapper().readTree(json.out());
        assertThat(status.path("state").asText()).isEqualTo("disabled");
        assertThat(status.path("pid").asLong()).isEqualTo(pid);
        assertThat(status.path("rss_bytes").asLong()).isPositive();

        assertThat(CliRun.wok(env, "ping").out()).startsWith("pong from wokd in");
        assertThat(CliRun.wokd(env, "status").exitCode()).isEqualTo(ExitCodes.OK);

        CliRun again = CliRun.wokd(env, "start");
        assertThat(again.exitCode()).isZero();
        assertThat(again.out()).contains("already running (pid " + pid + ")");

        CliRun stop = CliRun.wok(env, "stop");
        assertThat(stop.exitCode()).isZero();
        assertThat(stop.out()).contains("wokd stopped (pid " + pid + ")");
        assertThat(DaemonProcesses.alive(pid)).isFalse();
        assertThat(home.resolve("wokd.sock")).doesNotExist();

        CliRun down = CliRun.wokd(env, "status");
        assertThat(down.exitCode()).isEqualTo(ExitCodes.NOT_RUNNING);
        assertThat(down.out()).contains("not running");
        CliRun wokStatus = CliRun.wok(env, "status");
        assertThat(wokStatus.exitCode()).isEqualTo(ExitCodes.NOT_RUNNING);
        assertThat(wokStatus.err()).contains("wokd is not running").contains("wokd start");
        CliRun wokJson = CliRun.wok(env, "status", "--json");
        assertThat(Json.mapper().readTree(wokJson.out()).path("state").asText()).isEqualTo("not_running");

        CliRun stopAgain = CliRun.wokd(env, "stop");
        assertThat(stopAgain.exitCode()).isZero();
        assertThat(stopAgain.out()).contains("not running");
    }

    @Test
    void after_kill_9_the_stale_socket_is_reported_and_the_next_start_recovers() throws Exception {
        Map<String, String> env = DaemonProcesses.env(home);
        assertThat(CliRun.wokd(env, "start").exitCode()).isZero();
        long first = daemons.pid(home).orElseThrow();
        ProcessHandle.of(first).orElseThrow().destroyForcibly();
        await().atMost(Duration.ofSeconds(10)).until(() -> !DaemonProcesses.alive(first));
        assertThat(home.resolve("wokd.sock")).exists();

        CliRun status = CliRun.wokd(env, "status");
        assertThat(status.exitCode()).isEqualTo(ExitCodes.NOT_RUNNING);
        assertThat(status.out()).contains("stale socket");

        CliRun start = CliRun.wokd(env, "start");
        assertThat(start.exitCode()).as(start.err()).isZero();
        long second = daemons.pid(home).orElseThrow();
        assertThat(second).isNotEqualTo(first);
        assertThat(CliRun.wok(env, "ping").exitCode()).isZero();
    }

    @Test
    void a_second_wokd_run_is_refused_without_touching_the_first() throws Exception {
        Map<String, String> env = DaemonProcesses.env(home);
        assertThat(CliRun.wokd(env, "start").exitCode()).isZero();
        long pid = daemons.pid(home).orElseThrow();
        Object socketKey = java.nio.file.Files.readAttributes(home.resolve("wokd.sock"),
                java.nio.file.attribute.BasicFileAttributes.class).fileKey();

        ProcessBuilder second = new ProcessBuilder(Build.cliContext(env).daemonCommand())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        second.environment().putAll(env);
        Process process = second.start();
        String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isNotZero();
        assertThat(stderr).contains("already running (pid " + pid + ")");
        assertThat(stdout).startsWith("wokd failed ").contains("already_running");

        Object after = java.nio.file.Files.readAttributes(home.resolve("wokd.sock"),
                java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        assertThat(after).isEqualTo(socketKey);
        assertThat(CliRun.wok(env, "ping").exitCode()).isZero();
    }

    @Test
    void racing_starts_make_exactly_one_daemon() throws Exception {
        Map<String, String> env = DaemonProcesses.env(home);
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            List<Future<CliRun>> runs = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                runs.add(pool.submit((Callable<CliRun>) () -> CliRun.wokd(env, "start")));
            }
            Set<String> pids = new HashSet<>();
            for (Future<CliRun> run : runs) {
                CliRun result = run.get(120, TimeUnit.SECONDS);
                assertThat(result.exitCode()).as(result.err()).isZero();
                pids.add(result.out().replaceAll("(?s).*\\(pid (\\d+)\\).*", "$1"));
            }
            long pid = daemons.pid(home).orElseThrow();
            assertThat(pids).containsExactly(Long.toString(pid));
            long daemonsOnThisHome = ProcessHandle.allProcesses()
                    .filter(p -> DaemonProcesses.alive(p.pid()))
                    // From /proc, as wokd's own checks read it: the JDK's ProcessHandle.Info.arguments() is empty once a
                    // command line passes 4 KiB, as one with this module's whole test class path does.
                    .filter(p -> Processes.commandLine(p.pid()).orElse("").contains("WokdMain run"))
                    .filter(p -> DaemonProcesses.environment(p.pid()).contains("WOK_HOME=" + home))
                    .count();
            assertThat(daemonsOnThisHome).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void a_socket_path_over_the_limit_is_a_usage_error_naming_the_limit() {
        Map<String, String> env = Map.of("WOK_HOME", home.toString(), "WOK_SOCKET", home.resolve("s".repeat(120)).toString());
        CliRun status = CliRun.wok(env, "status");
        assertThat(status.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(status.err()).contains("byte limit").contains("WOK_SOCKET");
        CliRun start = CliRun.wokd(env, "start");
        assertThat(start.exitCode()).isNotZero();
        assertThat(start.err()).contains("byte limit");
    }

    @Test
    void a_bad_config_stops_wokd_start_with_the_key_and_the_file() throws Exception {
        java.nio.file.Files.writeString(home.resolve("config.toml"), "[upstream.retry]\nbase = 100\n");
        CliRun start = CliRun.wokd(DaemonProcesses.env(home), "start");
        assertThat(start.exitCode()).as("a bad config is a usage error").isEqualTo(ExitCodes.USAGE);
        assertThat(start.err()).contains("unknown key 'upstream.retry.base'").contains(home.resolve("config.toml").toString())
                .contains("base_ms");
        assertThat(home.resolve("wokd.sock")).doesNotExist();
    }

    @Test
    void sighup_reloads_the_config_and_connects_to_the_new_upstream() throws Exception {
        try (RelayProcess relay = RelayProcess.start(home.resolve("relay"), 0, null)) {
            Map<String, String> env = DaemonProcesses.env(home);
            assertThat(CliRun.wokd(env, "start").exitCode()).isZero();
            long pid = daemons.pid(home).orElseThrow();
            assertThat(Json.mapper().readTree(CliRun.wok(env, "status", "--json").out()).path("state").asText()).isEqualTo("disabled");

            java.nio.file.Files.writeString(home.resolve("config.toml"), "[upstream]\nurl = \"" + relay.url() + "\"\n");
            new ProcessBuilder("kill", "-HUP", Long.toString(pid)).start().waitFor(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(15)).until(() ->
                    Json.mapper().readTree(CliRun.wok(env, "status", "--json").out()).path("state").asText().equals("connected"));
            assertThat(DaemonProcesses.alive(pid)).as("SIGHUP reloads; it does not stop wokd").isTrue();
        }
    }

    @Test
    void help_explains_commands_environment_and_exit_codes() {
        CliRun help = CliRun.wok(Map.of(), "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("status").contains("ping").contains("stop").contains("WOK_HOME").contains("Exit codes");
        CliRun wokdHelp = CliRun.wokd(Map.of(), "--help");
        assertThat(wokdHelp.out()).contains("start").contains("run").contains("3 when not running");
        CliRun unknown = CliRun.wok(Map.of(), "frobnicate");
        assertThat(unknown.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.err()).contains("frobnicate");
    }
}
