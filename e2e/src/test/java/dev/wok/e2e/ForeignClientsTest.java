package dev.wok.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wok.daemon.lifecycle.Daemon;
import dev.wok.daemon.lifecycle.DaemonSettings;
import dev.wok.protocol.Json;
import dev.wok.protocol.paths.WokPaths;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Programs in other languages speak JSON lines to wokd with nothing but their standard library. */
@Timeout(180)
class ForeignClientsTest {
    @TempDir
    Path home;

    Daemon daemon;

    @BeforeEach
    void start() throws Exception {
        daemon = Daemon.start(DaemonSettings.defaults(WokPaths.resolve(Map.of("WOK_HOME", home.toString()),
                dev.wok.protocol.paths.Platform.current())));
    }

    @AfterEach
    void stop() {
        daemon.stop();
    }

    @Test
    void python_socket_module() throws Exception {
        assumeThat(onPath("python3")).as("python3 installed").isTrue();
        String script = String.join("\n",
                "import json, socket, sys",
                "s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)",
                "s.connect(sys.argv[1])",
                "f = s.makefile('rwb')",
                "for i, m in enumerate(['ping', 'status', 'nope']):",
                "    f.write((json.dumps({'id': i, 'method': m}) + '\\n').encode()); f.flush()",
                "    print(f.readline().decode().strip())",
                "");
        List<JsonNode> replies = run(List.of("python3", "-c", script, daemon.paths().socket().toString()), "");
        assertThat(replies).hasSize(3);
        assertThat(replies.get(0).path("result").path("pong").asBoolean()).isTrue();
        assertThat(replies.get(1).path("result").path("state").asText()).isEqualTo("disabled");
        assertThat(replies.get(2).path("error").path("code").asInt()).isEqualTo(-32601);
    }

    @Test
    void socat_from_a_shell_pipe() throws Exception {
        assumeThat(onPath("socat")).as("socat installed (CI installs it)").isTrue();
        List<JsonNode> replies = run(List.of("socat", "-t", "5", "-", "UNIX-CONNECT:" + daemon.paths().socket()),
                "{\"method\":\"status\"}\n{\"id\":2,\"method\":\"ping\"}\n");
        assertThat(replies).hasSize(2);
        assertThat(replies.get(0).path("result").path("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
        assertThat(replies.get(1).path("id").asInt()).isEqualTo(2);
    }

    private static List<JsonNode> run(List<String> command, String stdin) throws Exception {
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(out).isZero();
        return out.lines().filter(l -> !l.isBlank()).map(ForeignClientsTest::parse).toList();
    }

    private static JsonNode parse(String line) {
        try {
            return Json.mapper().readTree(line);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + line, e);
        }
    }

    static boolean onPath(String tool) {
        return List.of(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")).stream()
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
    }
}
