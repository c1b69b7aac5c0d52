package dev.wok.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wok.cli.CliContext;
import dev.wok.cli.ExitCodes;
import dev.wok.cli.WokdClientMain;
import dev.wok.protocol.Json;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Controlling real daemon processes the ways a user or a script does, including the awkward cases: a
 * daemon frozen with SIGSTOP, a JVM that prints before main, SIGHUP ignored by the starter, a terminal
 * that cannot show the symbols, a service manager that reads stderr.
 */
@Timeout(180)
class DaemonControlTest {
    @TempDir
    Path home;

    final DaemonProcesses daemons = new DaemonProcesses();

    @AfterEach
    void cleanUp() throws Exception {
        daemons.pid(home).ifPresent(pid -> signal("CONT", pid));
        CliRun.wokd(DaemonProcesses.env(home), "stop");
        daemons.killAll();
    }

    private Map<String, String> env() {
        return DaemonProcesses.env(home);
    }

    private long start() throws IOException {
        CliRun start = CliRun.wokd(env(), "start");
        assertThat(start.exitCode()).as(start.err()).isZero();
        return daemons.pid(home).orElseThrow();
    }

    private static void signal(String name, long pid) {
        try {
            new ProcessBuilder("kill", "-" + name, Long.toString(pid)).start().waitFor(10, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** wok or wokd's client in a JVM of its own, as the launcher would run it, with extra environment. */
    private Process client(String main, Map<String, String> extraEnv, List<String> prefix, String... args) throws IOException {
        List<String> command = new ArrayList<>(prefix);
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(Build.sqliteFromNativeCopies());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().putAll(env());
        builder.environment().putAll(extraEnv);
        return builder.start();
    }

    private static String output(Process process) throws Exception {
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    @Test
    void a_frozen_daemon_is_reported_as_not_answering_and_stop_ends_it() throws Exception {
        long pid = start();
        signal("STOP", pid);

        CliRun json = CliRun.wok(env(), "status", "--json");
        assertThat(json.exitCode()).isEqualTo(ExitCodes.NOT_ANSWERING);
        JsonNode down = Json.mapper().readTree(json.out());
        assertThat(down.path("state").asText()).isEqualTo("not_answering");
        assertThat(down.path("pid").asLong()).isEqualTo(pid);

        CliRun start = CliRun.wokd(env(), "start");
        assertThat(start.exitCode()).isEqualTo(ExitCodes.NOT_ANSWERING);
        assertThat(start.err()).contains("wokd (pid " + pid + ") is running but does not answer").contains("wokd restart");

        CliRun stop = CliRun.wokd(env(), "stop");
        assertThat(stop.exitCode()).as(stop.err()).isZero();
        assertThat(stop.out()).contains("wokd (pid " + pid + ") did not answer; stopped it with SIGTERM");
        assertThat(DaemonProcesses.alive(pid)).isFalse();
        assertThat(CliRun.wokd(env(), "status").exitCode()).isEqualTo(ExitCodes.NOT_RUNNING);
    }

    @Test
    void restart_replaces_a_frozen_daemon_with_one_that_answers() throws Exception {
        long frozen = start();
        signal("STOP", frozen);
        CliRun restart = CliRun.wokd(env(), "restart");
        assertThat(restart.exitCode()).as(restart.err()).isZero();
        long fresh = daemons.pid(home).orElseThrow();
        assertThat(fresh).isNotEqualTo(frozen);
        assertThat(restart.out()).contains("stopped it with SIGTERM").contains("wokd started (pid " + fresh + ")");
        assertThat(CliRun.wok(env(), "ping").exitCode()).isZero();
    }

    @Test
    void version_names_the_client_and_the_running_daemon() throws Exception {
        CliRun without = CliRun.wok(env(), "--version");
        assertThat(without.out()).startsWith("wok ").contains("(protocol 1)").contains("wokd: not running");
        long pid = start();
        CliRun with = CliRun.wok(env(), "--version");
        assertThat(with.out()).contains("wokd ").contains("pid " + pid);
    }

    @Test
    void ping_times_the_round_trip_and_summarises_a_count() throws Exception {
        start();
        CliRun once = CliRun.wok(env(), "ping");
        assertThat(once.out()).matches("pong from wokd in \\d+\\.\\d{3} ms\\R");
        CliRun three = CliRun.wok(env(), "ping", "-c", "3");
        assertThat(three.out().lines()).hasSize(4);
        assertThat(three.out()).contains("seq=3").containsPattern("3 pongs: min/avg/max = [\\d.]+/[\\d.]+/[\\d.]+ ms");
        assertThat(CliRun.wok(env(), "ping", "-c", "0").exitCode()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void status_wait_fails_at_once_without_an_upstream_and_times_out_on_an_unreachable_one() throws Exception {
        start();
        CliRun hopeless = CliRun.wok(env(), "status", "--wait", "connected", "--timeout", "60s");
        assertThat(hopeless.exitCode()).isEqualTo(ExitCodes.NOT_CONNECTED);
        assertThat(hopeless.err()).contains("no upstream configured").contains("wokd reload");

        Files.writeString(home.resolve("config.toml"), "[upstream]\nurl = \"ws://127.0.0.1:1/sync\"\n");
        assertThat(CliRun.wokd(env(), "reload").exitCode()).isZero();
        CliRun late = CliRun.wok(env(), "status", "--wait", "connected", "--timeout", "1s");
        assertThat(late.exitCode()).isEqualTo(ExitCodes.TIMEOUT);
        assertThat(late.err()).contains("after 1 s, not connected").contains("last error");

        CliRun reached = CliRun.wok(env(), "status", "--wait", "connecting", "--timeout", "10s");
        assertThat(reached.exitCode()).isZero();
        assertThat(reached.out()).startsWith("◐ connecting");
    }

    @Test
    void connect_without_an_upstream_is_an_error_naming_the_fix() throws Exception {
        start();
        CliRun connect = CliRun.wok(env(), "connect");
        assertThat(connect.exitCode()).isEqualTo(ExitCodes.NOT_CONNECTED);
        assertThat(connect.err()).contains("no upstream is configured").contains("[upstream] url");
    }

    @Test
    void reload_reports_a_bad_config_to_the_caller_and_keeps_the_running_one() throws Exception {
        start();
        Files.writeString(home.resolve("config.toml"), "[upstream]\nurl = 5\n");
        CliRun reload = CliRun.wokd(env(), "reload");
        assertThat(reload.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(reload.err()).contains("kept the running configuration").contains("upstream.url must be a string");
        assertThat(CliRun.wok(env(), "status").out()).startsWith("○ disabled");
    }

    @Test
    void start_waits_for_the_ready_line_even_when_the_jvm_prints_before_main() throws Exception {
        CliContext context = Build.cliContext(env());
        List<String> command = new ArrayList<>(context.daemonCommand());
        command.add(1, "-Xlog:gc:stdout");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine wokd = WokdClientMain.commandLine(context.withDaemonCommand(command));
        wokd.setOut(new PrintWriter(out, true));
        wokd.setErr(new PrintWriter(err, true));
        assertThat(wokd.execute("start")).as(err.toString()).isZero();
        assertThat(out.toString()).contains("wokd started (pid " + daemons.pid(home).orElseThrow() + ")");
    }

    @Test
    void a_daemon_started_with_sighup_ignored_still_reloads_on_sighup() throws Exception {
        Process starter = client("dev.wok.cli.WokdClientMain", Map.of(), List.of("nohup"), "start");
        assertThat(output(starter)).contains("wokd started");
        long pid = daemons.pid(home).orElseThrow();
        Files.writeString(home.resolve("config.toml"), "[upstream]\nurl = \"ws://127.0.0.1:1/sync\"\n");
        signal("HUP", pid);
        await().atMost(Duration.ofSeconds(15)).until(() -> Json.mapper().readTree(CliRun.wok(env(), "status", "--json").out())
                .path("upstream_url").asText().equals("ws://127.0.0.1:1/sync"));
        assertThat(DaemonProcesses.alive(pid)).isTrue();
    }

    @Test
    void wokd_start_next_to_another_programs_live_socket_refuses_and_leaves_it_alone() throws Exception {
        org.assertj.core.api.Assumptions.assumeThat(ForeignClientsTest.onPath("socat")).as("socat").isTrue();
        Path socket = home.resolve("wokd.sock");
        Process other = new ProcessBuilder("socat", "UNIX-LISTEN:" + socket + ",fork", "SYSTEM:cat >/dev/null")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            await().atMost(Duration.ofSeconds(15)).until(() -> Files.exists(socket));
            Object inode = Files.getAttribute(socket, "unix:ino");
            CliRun start = CliRun.wokd(env(), "start");
            assertThat(start.exitCode()).as(start.err()).isEqualTo(ExitCodes.FAILURE);
            assertThat(start.err()).contains("another program listens on " + socket).contains("WOK_SOCKET");
            assertThat(Files.getAttribute(socket, "unix:ino")).as("the other program's socket is untouched").isEqualTo(inode);
            assertThat(other.isAlive()).isTrue();
            assertThat(daemons.pid(home)).as("no wokd was started").isEmpty();
        } finally {
            other.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void the_quick_status_path_says_what_the_full_command_says() throws Exception {
        start();
        CliRun.wok(env(), "push", "{\"n\":1}");
        List<String> volatileFields = List.of("uptime_ms", "heap_used_bytes", "rss_bytes", "clients", "oldest_pending_age_ms");
        // The quick path must really answer: were it to fail, Wok would hand over to the full command, and
        // this would compare that command with itself. The class log shows which one ran.
        Path classes = home.resolve("quick-classes.log");
        Map<String, String> logClasses = Map.of("JAVA_TOOL_OPTIONS", "-Xlog:class+load:file=" + classes);
        JsonNode quick = Json.mapper().readTree(output(client("dev.wok.cli.Wok", logClasses, List.of(), "status", "--json")));
        assertThat(Files.readString(classes)).contains("dev.wok.cli.QuickStatus").doesNotContain("picocli.CommandLine ");
        JsonNode full = Json.mapper().readTree(output(client("dev.wok.cli.WokMain", Map.of(), List.of(), "status", "--json")));
        for (String field : volatileFields) {
            assertThat(quick.has(field)).as(field).isTrue();
            ((com.fasterxml.jackson.databind.node.ObjectNode) quick).remove(field);
            ((com.fasterxml.jackson.databind.node.ObjectNode) full).remove(field);
        }
        assertThat(quick.path("pending").asLong()).isEqualTo(1);
        assertThat(quick).isEqualTo(full);

        String quickText = output(client("dev.wok.cli.Wok", logClasses, List.of(), "status"));
        assertThat(Files.readString(classes)).contains("dev.wok.cli.QuickStatus").doesNotContain("picocli.CommandLine ");
        String fullText = output(client("dev.wok.cli.WokMain", Map.of(), List.of(), "status"));
        assertThat(labels(quickText)).isEqualTo(labels(fullText)).contains("outbox", "memory", "socket");
        assertThat(quickText.lines().findFirst()).isEqualTo(fullText.lines().findFirst());
        assertThat(quickText).contains("outbox    1 pending");
    }

    /** The first word of each detail line of the human status. */
    private static List<String> labels(String status) {
        return status.lines().skip(1).map(String::trim).map(line -> line.split(" ")[0]).toList();
    }

    @Test
    void piped_output_has_no_symbols_and_no_colour() throws Exception {
        start();
        Process wok = client("dev.wok.cli.WokMain", Map.of("LANG", "C", "LC_ALL", "C"), List.of(), "status");
        String out = output(wok);
        assertThat(out).startsWith("disabled - no upstream configured").doesNotContain("?").doesNotContain("\u001b[");
    }

    @Test
    void under_a_service_manager_wokd_run_logs_to_stderr_too() throws Exception {
        Process run = client("dev.wok.daemon.lifecycle.WokdMain", Map.of("INVOCATION_ID", "0123456789abcdef"), List.of(), "run");
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(home.resolve("wokd.sock")));
            CliRun.wokd(env(), "stop");
            String stderr = new String(run.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(stderr).contains("wokd " ).contains("started: pid " + run.pid()).contains("stopped");
        } finally {
            run.destroyForcibly();
        }
    }

    @Test
    void a_misspelt_log_level_is_refused() throws Exception {
        Process run = client("dev.wok.daemon.lifecycle.WokdMain", Map.of(), List.of(), "run", "--log-level=verbose");
        String stderr = new String(run.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(run.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(run.exitValue()).isEqualTo(ExitCodes.USAGE);
        assertThat(stderr).contains("verbose").contains("ERROR, WARN, INFO, DEBUG, TRACE");
        assertThat(home.resolve("wokd.sock")).doesNotExist();
    }
}
