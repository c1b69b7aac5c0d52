package dev.wok.daemon.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.wok.daemon.ipc.UnixSocketTransport;
import dev.wok.daemon.testing.RawClient;
import dev.wok.daemon.testing.TestDaemon;
import dev.wok.protocol.paths.CurrentUser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * With the socket opened to everyone, peer credentials alone must keep another user out. Needs root
 * (to run a client as another uid), setpriv and socat; CI installs socat and runs as root.
 */
class PeerCredentialsTest {
    private static final String NOBODY = "65534";

    Path base;
    Path home;

    @BeforeEach
    void makeATraversableHome() throws Exception {
        // @TempDir is 0700, which would stop the other user before wokd could; and straight in /tmp (which
        // everyone can write) wokd wants exactly 0700, so the traversable home sits one level down.
        base = Files.createTempDirectory(Path.of("/tmp"), "wok-peer");
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
        home = Files.createDirectory(base.resolve("home"));
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterEach
    void removeHome() throws Exception {
        try (var files = Files.walk(base)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void a_client_running_as_another_uid_is_refused() throws Exception {
        assumeThat(CurrentUser.uid()).as("needs root to run a client as another user").isZero();
        assumeThat(UnixSocketTransport.best().checksPeerCredentials()).as("transport reports peer credentials").isTrue();
        assumeThat(onPath("setpriv")).isTrue();
        assumeThat(onPath("socat")).isTrue();
        try (Daemon daemon = TestDaemon.start(home, s -> s.withSocketMode(PosixFilePermissions.fromString("rw-rw-rw-")))) {
            // The client writes first: the refusal must still reach it rather than a connection reset, every time.
            for (int attempt = 0; attempt < 10; attempt++) {
                Process client = new ProcessBuilder("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups",
                        "socat", "-t", "5", "-", "UNIX-CONNECT:" + daemon.paths().socket())
                        .redirectErrorStream(true)
                        .start();
                client.getOutputStream().write("{\"id\":1,\"method\":\"status\"}\n".getBytes(StandardCharsets.UTF_8));
                client.getOutputStream().close();
                assertThat(client.waitFor(30, TimeUnit.SECONDS)).isTrue();
                String output = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(output).as("attempt " + attempt).contains("permission_denied").contains("uid " + NOBODY)
                        .doesNotContain("\"result\"").doesNotContain("Broken pipe").doesNotContain("reset");
            }

            try (RawClient own = RawClient.connect(daemon.paths().socket())) {
                assertThat(own.send("{\"method\":\"ping\"}\n").readJson().path("result").path("pong").asBoolean()).isTrue();
            }
        }
    }

    static boolean onPath(String tool) {
        return List.of(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")).stream()
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
    }
}
