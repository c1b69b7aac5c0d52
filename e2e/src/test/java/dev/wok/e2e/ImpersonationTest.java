package dev.wok.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import dev.wok.cli.ExitCodes;
import dev.wok.protocol.paths.CurrentUser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Another user's program listening at our socket path (say through a /tmp directory they made) must
 * not get our requests: the client checks who serves the socket. Needs root (to run the fake as
 * another user), setpriv and socat; CI has all three.
 */
@Timeout(120)
class ImpersonationTest {
    private static final String NOBODY = "65534";

    Path dir;
    Process fake;

    @BeforeEach
    void makeADirectoryTheOtherUserCanListenIn() throws Exception {
        dir = Files.createTempDirectory(Path.of("/tmp"), "wok-impersonation");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (fake != null) {
            fake.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void a_server_of_another_user_at_our_socket_path_gets_nothing_and_the_user_is_told() throws Exception {
        assumeThat(CurrentUser.uid()).as("needs root to run the fake server as another user").isZero();
        assumeThat(ForeignClientsTest.onPath("setpriv") && ForeignClientsTest.onPath("socat")).as("setpriv and socat").isTrue();
        Path socket = dir.resolve("wokd.sock");
        Path received = dir.resolve("received");
        // The fake answers any request as wokd would, and keeps what it was sent.
        fake = new ProcessBuilder("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups",
                "socat", "UNIX-LISTEN:" + socket + ",fork",
                "SYSTEM:tee -a " + received + " >/dev/null; echo '{\"id\":1,\"result\":{\"pong\":true}}'")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        await().atMost(Duration.ofSeconds(15)).until(() -> Files.exists(socket));

        Map<String, String> env = Map.of("WOK_HOME", dir.resolve("home").toString(), "WOK_SOCKET", socket.toString());
        for (List<String> command : List.of(List.of("status"), List.of("ping"), List.of("push", "{\"secret\":1}"))) {
            CliRun run = CliRun.wok(env, command.toArray(String[]::new));
            assertThat(run.exitCode()).as(command + ": " + run.err()).isEqualTo(ExitCodes.FAILURE);
            assertThat(run.err()).as(command.toString()).contains("served by a process of user 'nobody'")
                    .contains("not by you ('root')").contains("nothing was sent");
        }
        assertThat(!Files.exists(received) || Files.size(received) == 0).as("the fake received nothing").isTrue();
    }

    /** The attack of the security issue, as two real users: root the victim, nobody the attacker. */
    @Test
    void a_symlinked_socket_directory_is_refused_and_the_swapped_in_fake_gets_nothing() throws Exception {
        assumeThat(CurrentUser.uid()).as("needs root to act as another user").isZero();
        assumeThat(ForeignClientsTest.onPath("setpriv") && ForeignClientsTest.onPath("socat")).as("setpriv and socat").isTrue();
        Path victims = dir.resolve("victims-own");
        Files.createDirectories(victims);
        Files.setPosixFilePermissions(victims, PosixFilePermissions.fromString("rwx------"));
        Path attackers = dir.resolve("attackers");
        Path link = dir.resolve("wok-socket-dir");
        asNobody("mkdir", "-m", "755", attackers.toString());
        asNobody("ln", "-s", victims.toString(), link.toString());
        Map<String, String> env = Map.of("WOK_HOME", victims.toString(), "WOK_SOCKET", link.resolve("wokd.sock").toString());

        // 1. The victim's wokd will not use a socket directory that is a symbolic link, whoever made it.
        CliRun start = CliRun.wokd(env, "start");
        assertThat(start.exitCode()).as(start.err()).isNotZero();
        assertThat(start.err()).contains("is a symbolic link");
        assertThat(victims.resolve("wokd.sock")).doesNotExist();

        // 2. The attacker swaps the link to a directory of theirs where a fake wokd listens.
        asNobody("ln", "-sfn", attackers.toString(), link.toString());
        fake = new ProcessBuilder("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups",
                "socat", "UNIX-LISTEN:" + attackers.resolve("wokd.sock") + ",fork,mode=777", "SYSTEM:cat >/dev/null")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        await().atMost(Duration.ofSeconds(15)).until(() -> Files.exists(attackers.resolve("wokd.sock")));
        CliRun status = CliRun.wok(env, "status");
        assertThat(status.exitCode()).as(status.err()).isEqualTo(ExitCodes.FAILURE);
        assertThat(status.err()).contains("served by a process of user 'nobody'");
        CliRun stop = CliRun.wokd(env, "stop");
        assertThat(stop.err() + stop.out()).doesNotContain("stopped (pid");
    }

    private static void asNobody(String... command) throws Exception {
        List<String> full = new java.util.ArrayList<>(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups"));
        full.addAll(List.of(command));
        Process process = new ProcessBuilder(full).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(String.join(" ", command) + ": " + output).isZero();
    }

    @Test
    void a_client_that_wokd_refuses_is_told_why_even_when_it_wrote_first() throws Exception {
        assumeThat(CurrentUser.uid()).as("needs root to run the client as another user").isZero();
        assumeThat(ForeignClientsTest.onPath("setpriv")).as("setpriv").isTrue();
        // A root wokd with a socket anyone may open: the kernel lets the client in, wokd must refuse it.
        // Traversable by the other user, but not straight in a directory everyone can write (wokd wants 0700 there).
        Path base = Files.createDirectory(dir.resolve("base"));
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path home = Files.createDirectory(base.resolve("home"));
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
        dev.wok.daemon.lifecycle.Daemon daemon = dev.wok.daemon.lifecycle.Daemon.start(dev.wok.daemon.lifecycle.DaemonSettings
                .defaults(dev.wok.protocol.paths.WokPaths.resolve(Map.of("WOK_HOME", home.toString()),
                        dev.wok.protocol.paths.Platform.current()))
                .withSocketMode(PosixFilePermissions.fromString("rw-rw-rw-")));
        try {
            Path root = Build.root();
            Map<String, String> clientEnv = Map.of("WOK_SOCKET", daemon.paths().socket().toString(), "WOK_NO_CACHE", "1",
                    "WOK_HOME", dir.resolve("nobody-home").toString());
            ProcessBuilder builder = new ProcessBuilder("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups",
                    "sh", root.resolve("scripts/wok").toString(), "status")
                    .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            builder.environment().putAll(clientEnv);
            Process refused = builder.start();
            String output = new String(refused.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(refused.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(refused.exitValue()).as(output).isEqualTo(ExitCodes.FAILURE);
            assertThat(output).contains("wokd refused this client").contains("runs as uid " + NOBODY)
                    .doesNotContain("Broken pipe").doesNotContain("reset");
        } finally {
            daemon.stop();
        }
    }
}
