package dev.wok.daemon.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wok.daemon.testing.RawClient;
import dev.wok.daemon.testing.TestDaemon;
import dev.wok.protocol.paths.CurrentUser;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DaemonLifecycleTest {
    @TempDir
    Path home;

    @Test
    void socket_is_owner_only_and_lock_names_the_pid() throws Exception {
        try (Daemon daemon = TestDaemon.start(home)) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(daemon.paths().socket())))
                    .isEqualTo("rw-------");
            assertThat(Files.readString(daemon.paths().lockFile()).trim())
                    .isEqualTo(Long.toString(ProcessHandle.current().pid()));
        }
    }

    @Test
    void a_second_instance_is_refused_and_the_first_keeps_answering() throws Exception {
        try (Daemon first = TestDaemon.start(home)) {
            assertThatThrownBy(() -> TestDaemon.start(home))
                    .isInstanceOfSatisfying(StartupException.class, e -> {
                        assertThat(e.reason()).isEqualTo(StartupException.Reason.ALREADY_RUNNING);
                        assertThat(e.getMessage()).contains("already running (pid " + ProcessHandle.current().pid() + ")");
                    });
            try (RawClient client = RawClient.connect(first.paths().socket())) {
                assertThat(client.send("{\"method\":\"ping\"}\n").readJson().path("result").path("pong").asBoolean()).isTrue();
            }
        }
    }

    @Test
    void shutdown_answers_then_removes_the_socket_and_frees_the_lock() throws Exception {
        Daemon daemon = TestDaemon.start(home);
        try (RawClient client = RawClient.connect(daemon.paths().socket())) {
            JsonNode reply = client.send("{\"id\":1,\"method\":\"shutdown\"}\n").readJson();
            assertThat(reply.path("result").path("stopping").asBoolean()).isTrue();
            assertThat(client.awaitClosed()).isTrue();
        }
        daemon.awaitStop();
        assertThat(daemon.paths().socket()).doesNotExist();
        try (Daemon again = TestDaemon.start(home)) {
            assertThat(again.paths().socket()).exists();
        }
    }

    @Test
    void a_stale_socket_left_by_a_dead_daemon_is_replaced() throws Exception {
        Path socket = TestDaemon.paths(home).socket();
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(socket)); // closing does not unlink: like a kill -9
        }
        assertThat(socket).exists();
        try (Daemon daemon = TestDaemon.start(home); RawClient client = RawClient.connect(socket)) {
            assertThat(client.send("{\"method\":\"ping\"}\n").readJson().path("result").path("pong").asBoolean()).isTrue();
        }
    }

    @Test
    void a_regular_file_at_the_socket_path_is_not_deleted() throws Exception {
        Path socket = TestDaemon.paths(home).socket();
        Files.writeString(socket, "precious");
        assertThatThrownBy(() -> TestDaemon.start(home))
                .isInstanceOf(StartupException.class).hasMessageContaining("is not a socket");
        assertThat(Files.readString(socket, StandardCharsets.UTF_8)).isEqualTo("precious");
    }

    @Test
    void a_group_or_world_writable_socket_directory_is_refused_with_the_fix() throws Exception {
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThatThrownBy(() -> TestDaemon.start(home))
                .isInstanceOfSatisfying(StartupException.class, e -> {
                    assertThat(e.reason()).isEqualTo(StartupException.Reason.UNSAFE_SOCKET_DIRECTORY);
                    assertThat(e.getMessage()).contains("writable by everyone").contains("chmod 700 " + home);
                });
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxrwx---"));
        assertThatThrownBy(() -> TestDaemon.start(home)).hasMessageContaining("writable by its group");
    }

    @Test
    void a_socket_directory_owned_by_another_user_is_refused() throws Exception {
        assumeThat(CurrentUser.uid()).as("only root can hand a directory to another user").isZero();
        Path theirs = home.resolve("theirs");
        Files.createDirectory(theirs, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Process chown = new ProcessBuilder("chown", "65534", theirs.toString()).inheritIO().start();
        assertThat(chown.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(() -> TestDaemon.start(theirs))
                .isInstanceOf(StartupException.class).hasMessageContaining("belongs to uid 65534");
    }

    @Test
    void a_missing_socket_directory_is_created_owner_only() throws Exception {
        Path nested = home.resolve("a/b");
        try (Daemon daemon = TestDaemon.start(nested)) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(nested))).isEqualTo("rwx------");
        }
    }

    @Test
    void a_socket_path_over_the_platform_limit_is_a_clear_error() {
        Path deep = home.resolve("x".repeat(110));
        assertThatThrownBy(() -> TestDaemon.start(deep))
                .isInstanceOfSatisfying(StartupException.class, e -> {
                    assertThat(e.reason()).isEqualTo(StartupException.Reason.SOCKET_PATH_TOO_LONG);
                    assertThat(e.getMessage()).contains("byte limit").contains("WOK_SOCKET");
                });
    }

    @Test
    void a_live_socket_of_another_daemon_at_the_same_path_is_not_deleted(@TempDir Path otherHome) throws Exception {
        Path shared = home.resolve("shared.sock");
        try (Daemon first = TestDaemon.start(home, s -> s.withPaths(withSocket(s, shared)))) {
            assertThatThrownBy(() -> TestDaemon.start(otherHome, s -> s.withPaths(withSocket(s, shared))))
                    .isInstanceOfSatisfying(StartupException.class, e -> {
                        assertThat(e.reason()).isEqualTo(StartupException.Reason.CANNOT_BIND);
                        assertThat(e.getMessage()).contains("another process is listening on " + shared).contains("WOK_SOCKET");
                    });
            try (RawClient client = RawClient.connect(shared)) {
                assertThat(client.send("{\"method\":\"ping\"}\n").readJson().path("result").path("pong").asBoolean())
                        .as("the first daemon still answers on its socket").isTrue();
            }
        }
    }

    private static dev.wok.protocol.paths.WokPaths withSocket(DaemonSettings s, Path socket) {
        var p = s.paths();
        return new dev.wok.protocol.paths.WokPaths(socket, p.configFile(), p.stateDir(), p.platform());
    }

    @Test
    void in_a_directory_everyone_can_write_the_socket_directory_must_be_exactly_0700() throws Exception {
        Path shared = Files.createDirectory(home.resolve("shared-like-tmp"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path mine = Files.createDirectory(shared.resolve("wok-me"));
        Files.setPosixFilePermissions(mine, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThatThrownBy(() -> TestDaemon.start(mine))
                .isInstanceOfSatisfying(StartupException.class, e -> {
                    assertThat(e.reason()).isEqualTo(StartupException.Reason.UNSAFE_SOCKET_DIRECTORY);
                    assertThat(e.getMessage()).contains("which everyone can write").contains("chmod 700 " + mine);
                });
        Files.setPosixFilePermissions(mine, PosixFilePermissions.fromString("rwx------"));
        try (Daemon daemon = TestDaemon.start(mine)) {
            assertThat(daemon.paths().socket()).exists();
        }
    }

    @Test
    void a_socket_directory_that_is_a_symlink_is_refused(@TempDir Path elsewhere) throws Exception {
        Path link = home.resolve("link");
        Files.createSymbolicLink(link, elsewhere);
        assertThatThrownBy(() -> TestDaemon.start(link))
                .isInstanceOfSatisfying(StartupException.class, e -> {
                    assertThat(e.reason()).isEqualTo(StartupException.Reason.UNSAFE_SOCKET_DIRECTORY);
                    assertThat(e.getMessage()).contains("is a symbolic link").contains("rm " + link);
                });
    }

    @Test
    void a_shutdown_sent_the_moment_the_socket_appears_is_answered_and_stops_the_daemon() throws Exception {
        Path socket = TestDaemon.paths(home).socket();
        var answer = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < deadline) {
                try (RawClient early = RawClient.connect(socket)) {
                    return early.send("{\"id\":1,\"method\":\"shutdown\"}\n").readJson();
                } catch (java.io.IOException notYet) {
                    Thread.onSpinWait();
                }
            }
            throw new IllegalStateException("the socket never appeared");
        });
        Daemon daemon = TestDaemon.start(home);
        assertThat(answer.get(20, TimeUnit.SECONDS).path("result").path("stopping").asBoolean()).isTrue();
        daemon.awaitStop();
        assertThat(socket).doesNotExist();
    }
}
