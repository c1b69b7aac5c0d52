package dev.wok.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wok.cli.CliContext;
import dev.wok.cli.ExitCodes;
import dev.wok.cli.WokdClientMain;
import dev.wok.protocol.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * wok gets itself a daemon: starts one when none runs, replaces one that is stuck or older, and when none
 * can run, spools pushes so that nothing is lost, and says so.
 */
@Timeout(180)
class DelegationTest {
    @TempDir
    Path home;

    final DaemonProcesses daemons = new DaemonProcesses();

    @AfterEach
    void cleanUp() throws Exception {
        daemons.pid(home).ifPresent(pid -> signal("CONT", pid));
        CliRun.wokd(env(), "stop");
        daemons.killAll();
    }

    private Map<String, String> env() {
        return DaemonProcesses.env(home);
    }

    private static void signal(String name, long pid) {
        try {
            new ProcessBuilder("kill", "-" + name, Long.toString(pid)).start().waitFor(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void twenty_clients_racing_on_a_stopped_daemon_start_exactly_one_and_all_get_an_answer() throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(20);
        List<Future<CliRun>> runs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            runs.add(clients.submit(() -> CliRun.wok(env(), "status", "--start", "--json")));
        }
        Set<Long> pids = new HashSet<>();
        for (Future<CliRun> run : runs) {
            CliRun result = run.get(120, TimeUnit.SECONDS);
            assertThat(result.exitCode()).as(result.err()).isZero();
            pids.add(Json.mapper().readTree(result.out()).path("pid").asLong());
        }
        clients.shutdown();
        assertThat(pids).as("every client talked to the same, single daemon").hasSize(1);
        assertThat(daemons.pid(home)).hasValue(pids.iterator().next());
    }

    @Test
    void status_alone_does_not_start_a_daemon() {
        CliRun status = CliRun.wok(env(), "status");
        assertThat(status.exitCode()).isEqualTo(ExitCodes.NOT_RUNNING);
        assertThat(home.resolve("wokd.sock")).doesNotExist();
    }

    @Test
    void a_frozen_daemon_is_noticed_and_replaced_by_the_next_command() throws Exception {
        assertThat(CliRun.wokd(env(), "start").exitCode()).isZero();
        long frozen = daemons.pid(home).orElseThrow();
        signal("STOP", frozen);
        CliRun ping = CliRun.wok(env(), "ping");
        assertThat(ping.exitCode()).as(ping.err()).isZero();
        assertThat(ping.out()).startsWith("pong from wokd");
        assertThat(ping.err()).contains("wokd (pid " + frozen + ") does not answer; restarting it");
        long fresh = daemons.pid(home).orElseThrow();
        assertThat(fresh).isNotEqualTo(frozen);
        assertThat(DaemonProcesses.alive(frozen)).isFalse();
    }

    @Test
    void when_wokd_cannot_start_a_push_is_spooled_and_taken_in_at_the_next_start() throws Exception {
        Files.writeString(home.resolve("config.toml"), "[upstream]\nurll = \"typo\"\n");
        CliRun push = CliRun.wok(env(), "push", "{\"kept\":\"while wokd could not run\"}");
        assertThat(push.exitCode()).as(push.err()).isZero();
        assertThat(push.out()).startsWith("spooled ");
        assertThat(push.err()).as("the reason, and what happens next")
                .contains("unknown key 'upstream.urll'").contains("spooled in " + home.resolve("spool")).contains("wokd start");
        CliRun status = CliRun.wok(env(), "status", "--json");
        assertThat(Json.mapper().readTree(status.out()).path("spooled").asInt()).isEqualTo(1);
        CliRun log = CliRun.wok(env(), "log");
        assertThat(log.exitCode()).as("log needs a daemon").isEqualTo(ExitCodes.USAGE);
        assertThat(log.err()).contains("unknown key 'upstream.urll'");

        Files.delete(home.resolve("config.toml"));
        CliRun after = CliRun.wok(env(), "log");
        assertThat(after.exitCode()).as(after.err()).isZero();
        assertThat(after.out()).contains("pending").contains("{\"kept\":\"while wokd could not run\"}");
        assertThat(new dev.wok.protocol.spool.Spool(home.resolve("spool")).files()).isEmpty();
    }

    @Test
    void with_autostart_off_commands_say_so_and_push_still_loses_nothing() throws Exception {
        Files.writeString(home.resolve("config.toml"), "[daemon]\nautostart = false\n");
        CliRun ping = CliRun.wok(env(), "ping");
        assertThat(ping.exitCode()).isEqualTo(ExitCodes.NOT_RUNNING);
        assertThat(ping.err()).contains("autostart is off");
        CliRun push = CliRun.wok(env(), "push", "--json", "{\"n\":1}");
        assertThat(push.exitCode()).isZero();
        assertThat(Json.mapper().readTree(push.out()).path("spooled").asText()).startsWith(home.resolve("spool").toString());
        CliRun waited = CliRun.wok(env(), "push", "--wait", "{\"n\":2}");
        assertThat(waited.exitCode()).as("spooled is safe, but not the acknowledgement --wait asked for")
                .isEqualTo(ExitCodes.NOT_RUNNING);
        assertThat(waited.out()).startsWith("spooled ");
        assertThat(new dev.wok.protocol.spool.Spool(home.resolve("spool")).files()).hasSize(2);
        assertThat(home.resolve("wokd.sock")).doesNotExist();
    }

    @Test
    void an_older_daemon_is_replaced_and_a_newer_one_used_with_a_warning() throws Exception {
        startWithVersion("0.0.1");
        long old = daemons.pid(home).orElseThrow();
        CliRun ping = CliRun.wok(env(), "ping");
        assertThat(ping.exitCode()).as(ping.err()).isZero();
        assertThat(ping.err()).contains("wokd 0.0.1 is older than this wok").contains("restarting it");
        long replaced = daemons.pid(home).orElseThrow();
        assertThat(replaced).isNotEqualTo(old);
        assertThat(DaemonProcesses.alive(old)).isFalse();
        CliRun.wokd(env(), "stop");

        startWithVersion("99.0.0");
        long newer = daemons.pid(home).orElseThrow();
        CliRun again = CliRun.wok(env(), "ping");
        assertThat(again.exitCode()).isZero();
        assertThat(again.err()).contains("wokd 99.0.0 is newer than this wok").contains("using it");
        assertThat(daemons.pid(home)).hasValue(newer);
    }

    /** Starts a daemon that reports {@code version}, as an older or newer build would. */
    private void startWithVersion(String version) {
        CliContext context = Build.cliContext(env());
        List<String> command = new ArrayList<>(context.daemonCommand());
        command.add(1, "-Dwok.version=" + version);
        CommandLine wokd = WokdClientMain.commandLine(context.withDaemonCommand(command));
        StringWriter err = new StringWriter();
        wokd.setErr(new PrintWriter(err, true));
        wokd.setOut(new PrintWriter(new StringWriter(), true));
        assertThat(wokd.execute("start")).as(err.toString()).isZero();
    }
}
