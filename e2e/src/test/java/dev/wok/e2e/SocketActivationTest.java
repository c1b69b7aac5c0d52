package dev.wok.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wok.protocol.Json;
import dev.wok.protocol.Methods;
import dev.wok.protocol.client.WokClient;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Socket activation for real, with systemd's own {@code systemd-socket-activate} (Debian package
 * {@code systemd}): it listens on wokd's socket and, at the first connection, execs the installed-style
 * launcher with the socket as fd 3, as systemd does for wokd.socket. Skipped when the tool or the
 * packaged jars are missing.
 */
@Timeout(120)
class SocketActivationTest {
    private static final Path ACTIVATE = Path.of("/usr/bin/systemd-socket-activate");

    @TempDir
    Path home;

    Path scripts;
    Process activator;

    @BeforeEach
    void requirements() {
        assumeThat(Files.isExecutable(ACTIVATE)).as("systemd-socket-activate is not installed (Debian package systemd;"
                + " .ci/run installs it): socket activation not tested").isTrue();
        Path root = Build.root();
        scripts = root.resolve("scripts");
        assumeThat(root.resolve("daemon/target/wok-daemon.jar")).as("packaged jars (run 'verify', not 'test')").exists();
    }

    @AfterEach
    void stop() throws Exception {
        if (activator != null && activator.isAlive()) {
            activator.destroy();
            if (!activator.waitFor(20, TimeUnit.SECONDS)) {
                activator.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void the_first_clients_are_answered_by_the_wokd_they_started_and_the_socket_outlives_it() throws Exception {
        Path socket = home.resolve("wokd.sock");
        // systemd-socket-activate passes the launched process only the variables named with --setenv; HOME
        // too, so that nothing can reach the real home even if WOK_HOME were lost.
        ProcessBuilder builder = new ProcessBuilder(ACTIVATE.toString(), "--listen=" + socket, "--fdname=wokd",
                "--setenv=WOK_HOME=" + home, "--setenv=HOME=" + home, "--setenv=PATH=" + System.getenv("PATH"),
                scripts.resolve("wokd").toString(), "run")
                .redirectErrorStream(true).redirectOutput(home.resolve("activator.out").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().put("WOK_HOME", home.toString());
        activator = builder.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(socket, LinkOption.NOFOLLOW_LINKS));
        assertThat(home.resolve("wokd.lock")).as("no wokd runs before the first client").doesNotExist();

        // Three clients connect while no wokd runs; each waits in the backlog and is answered once it is up.
        List<CompletableFuture<JsonNode>> answers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            answers.add(CompletableFuture.supplyAsync(() -> {
                try (WokClient client = WokClient.connect(socket, Duration.ofSeconds(5))) {
                    return client.call(Methods.STATUS, Json.object(), Duration.ofSeconds(60));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        for (CompletableFuture<JsonNode> answer : answers) {
            // systemd-socket-activate execs the launcher, which execs java: the same process answers.
            JsonNode status = answer.get(90, TimeUnit.SECONDS);
            assertThat(status.path("pid").asLong()).isEqualTo(activator.pid());
            assertThat(status.path("socket").asText()).isEqualTo(socket.toString());
        }
        assertThat(Files.readString(home.resolve("wokd.log"))).contains("socket from systemd, fd 3");

        CliRun stop = CliRun.wokd(DaemonProcesses.env(home), "stop");
        assertThat(stop.exitCode()).as(stop.err()).isZero();
        assertThat(activator.waitFor(30, TimeUnit.SECONDS)).isTrue();

        assertThat(Files.exists(socket, LinkOption.NOFOLLOW_LINKS)).as("the socket file is systemd's: wokd leaves it").isTrue();
        assertThat(((Integer) Files.getAttribute(socket, "unix:mode", LinkOption.NOFOLLOW_LINKS)) & 0170000)
                .isEqualTo(0140000);
        assertThat(Files.readString(home.resolve("health.json"))).contains("\"state\" : \"stopped\"");
    }
}
