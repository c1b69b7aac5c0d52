package dev.wok.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.wok.protocol.Json;
import dev.wok.protocol.WokVersion;
import dev.wok.protocol.binary.BinaryFrames;
import dev.wok.protocol.binary.FrameHeader;
import dev.wok.protocol.message.Request;
import dev.wok.protocol.message.Response;
import dev.wok.protocol.paths.Platform;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wok doctor} in-process, on a temporary WOK_HOME, each failure provoked the way a user meets it: a bad
 * file or mode, a config typo, a daemon of another version or one that never answers (a fake on the socket),
 * an upstream that does not resolve, refuses, speaks no TLS, has no endpoint or refuses the token (the JDK's
 * HTTP server answering the upgrade), and a broken service unit (a fake systemctl). The checks that need a
 * real relay and wokd are in the e2e module's DoctorTest.
 */
@Timeout(60)
class DoctorCommandTest {
    @TempDir
    Path tmp;

    Path home;
    Map<String, String> env;
    final List<AutoCloseable> servers = new ArrayList<>();

    @BeforeEach
    void emptyHome() throws IOException {
        assumeThat(Platform.current()).isNotEqualTo(Platform.OTHER);
        home = Files.createDirectory(tmp.resolve("wok"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        env = new HashMap<>(Map.of("WOK_HOME", home.toString(), "HOME", tmp.resolve("user").toString(),
                "XDG_CONFIG_HOME", tmp.resolve("user/.config").toString(), "PATH", "/usr/bin:/bin"));
    }

    @AfterEach
    void stopServers() throws Exception {
        for (AutoCloseable server : servers) {
            server.close();
        }
    }

    @Test
    void a_fresh_home_without_daemon_or_upstream_passes_and_says_so() {
        Run run = doctor();

        assertThat(run.exit()).as(run.out()).isZero();
        assertThat(run.out()).contains("✓ socket path: " + home.resolve("wokd.sock"))
                .contains("✓ config.toml: " + home.resolve("config.toml") + " absent, so all defaults")
                .contains("✓ wokd: not running; the next wok command starts it")
                .contains("– every step: no upstream configured")
                .contains("✓ service unit: none installed")
                .contains("all good: ").doesNotContain("✗");
    }

    @Test
    void json_lists_every_check_with_its_outcome_and_fix() throws Exception {
        Files.writeString(home.resolve("config.toml"), "[upstream]\nurll = \"ws://127.0.0.1:1/sync\"\n");

        Run run = doctor("--json");

        assertThat(run.exit()).isEqualTo(ExitCodes.FAILURE);
        JsonNode report = Json.mapper().readTree(run.out());
        assertThat(report.path("ok").asBoolean(true)).isFalse();
        assertThat(report.path("checks")).allSatisfy(check -> {
            assertThat(check.path("group").asText()).isIn("files", "config", "daemon", "upstream", "service");
            assertThat(check.path("outcome").asText()).isIn("pass", "fail", "skip");
            assertThat(check.path("fix").isNull()).isEqualTo(!check.path("outcome").asText().equals("fail"));
        });
        JsonNode config = check(report, "config.toml");
        assertThat(config.path("outcome").asText()).isEqualTo("fail");
        assertThat(config.path("detail").asText()).contains("unknown key 'upstream.urll'");
        assertThat(config.path("fix").asText()).contains("fix " + home.resolve("config.toml")).contains("wokd reload");
    }

    @Test
    void a_socket_path_over_the_limit_is_named_with_the_fix() {
        env.put("WOK_SOCKET", tmp.resolve("x".repeat(120)).resolve("wokd.sock").toString());

        Run run = doctor();

        assertThat(run.exit()).isEqualTo(ExitCodes.FAILURE);
        assertThat(run.out()).contains("✗ socket path: socket path is ").contains("-byte limit")
                .contains("fix: set WOK_SOCKET (or WOK_HOME) to a shorter path")
                .contains("– wokd: the socket path is too long to connect to");
    }

    @Test
    void a_home_others_can_write_fails_with_chmod() throws IOException {
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxrwx---"));

        Run run = doctor();

        assertThat(run.exit()).isEqualTo(ExitCodes.FAILURE);
        assertThat(run.out()).contains("✗ socket directory: socket directory " + home + " is writable by its group")
                .contains("✗ state directory: state directory " + home + " is writable by its group")
                .contains("fix: make it a directory of your own that only you can write (chmod 700 " + home + ")");
    }

    @Test
    void a_token_file_others_can_read_fails_and_the_upstream_is_not_tried() throws IOException {
        Path token = Files.writeString(tmp.resolve("token"), "secret\n");
        Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-r--r--"));
        config("[upstream]\nurl = \"ws://127.0.0.1:1/sync\"\ntoken_file = \"" + token + "\"\n");

        Run run = doctor();

        assertThat(run.exit()).isEqualTo(ExitCodes.FAILURE);
        assertThat(run.out()).contains("✗ token: token file " + token + " is readable by others")
                .contains("fix: put the token in " + token + " and make it yours alone (chmod 600 " + token + ")")
                .contains("– every step: the token could not be read");
    }

    @Test
    void no_daemon_with_autostart_off_fails_with_wokd_start() {
        config("[daemon]\nautostart = false\n");

        Run run = doctor();

        assertThat(run.exit()).isEqualTo(ExitCodes.FAILURE);
        assertThat(run.out()).contains("✗ wokd: not running, and [daemon] autostart is off in " + home.resolve("config.toml"))
                .contains("fix: start it: wokd start");
    }

    @Test
    void a_daemon_of_another_version_fails_with_restart() throws Exception {
        fakeDaemon(true, "0.0.1");

        Run run = doctor();

        assertThat(run.exit()).isEqualTo(ExitCodes.FAILURE);
        assertThat(run.out()).contains("✗ wokd: wokd 0.0.1 (protocol " + WokVersion.PROTOCOL + ", pid 4242) runs, but this wok is "
                + WokVersion.version()).contains("fix: run the wokd that came with this wok: wokd restart");
    }

    @Test
    void a_daemon_of_this_version_passes_with_its_pid_and_answer_time() throws Exception {
        fakeDaemon(true, WokVersion.version());

        Run run = doctor();

        assertThat(run.exit()).as(run.out()).isZero();
        assertThat(run.out()).containsPattern("✓ wokd: running \\(pid 4242, version " + WokVersion.version().replace(".", "\\.")
                + "\\), answered in [0-9.]+ ms").contains("✓ wokd's upstream: none: wokd keeps everything local");
    }

    @Test
    void a_daemon_that_never_answers_fails_within_the_timeout() throws Exception {
        fakeDaemon(false, WokVersion.version());

        Run run = doctor("--timeout", "300ms");

        assertThat(run.exit()).isEqualTo(ExitCodes.FAILURE);
        assertThat(run.out()).contains("✗ wokd: wokd does not answer on " + home.resolve("wokd.sock") + " within 300 ms")
                .contains("fix: restart it: wokd restart (its log: wokd logs -n 50)")
                .contains("– wokd's upstream: wokd was not reached");
    }

    @Test
    void a_host_that_does_not_resolve_stops_at_the_name_lookup() {
        config("[upstream]\nurl = \"ws://wok-doctor-test.invalid:7890/sync\"\n");

        Run run = doctor();

        assertThat(run.exit()).isEqualTo(ExitCodes.FAILURE);
        assertThat(run.out()).contains("✗ name lookup: cannot resolve wok-doctor-test.invalid")
                .contains("fix: check the host in upstream.url").contains("– TCP: the name did not resolve")
                .contains("– token accepted: the name did not resolve");
    }

    @Test
    void a_port_nobody_listens_on_is_refused_with_how_to_start_a_relay() throws IOException {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        config("[upstream]\nurl = \"ws://127.0.0.1:" + port + "/sync\"\n");

        Run run = doctor();

        assertThat(run.exit()).isEqualTo(ExitCodes.FAILURE);
        assertThat(run.out()).contains("✓ name lookup: 127.0.0.1 is 127.0.0.1")
                .contains("✗ TCP: cannot connect to 127.0.0.1 port " + port + " (127.0.0.1: connection refused)")
                .contains("fix: nothing listens there: start the upstream (for a local one: wok-relay --bind 127.0.0.1:" + port)
                .contains("– WebSocket upgrade: no TCP connection");
    }

    @Test
    void wss_to_a_plain_server_fails_at_tls() throws IOException {
        int port = plainServer();
        config("[upstream]\nurl = \"wss://127.0.0.1:" + port + "/sync\"\n");

        Run run = doctor();

        assertThat(run.exit()).isEqualTo(ExitCodes.FAILURE);
        assertThat(run.out()).contains("✓ TCP: connected to 127.0.0.1 port " + port)
                .contains("✗ TLS: TLS with 127.0.0.1 port " + port + " failed")
                .contains("fix: the server does not speak TLS on this port: use ws://")
                .contains("– WebSocket upgrade: TLS failed");
    }

    @Test
    void a_server_without_the_endpoint_fails_the_upgrade_with_404() throws IOException {
        int port = httpServer(404, false);
        config("[upstream]\nurl = \"ws://127.0.0.1:" + port + "/sync\"\n");

        Run run = doctor();

        assertThat(run.exit()).isEqualTo(ExitCodes.FAILURE);
        assertThat(run.out()).contains("– TLS: ws:// is not encrypted")
                .contains("✗ WebSocket upgrade: the upstream answered HTTP 404 to the upgrade at /sync: no WebSocket endpoint there")
                .contains("fix: fix the path in upstream.url (wok-relay serves /sync)")
                .contains("– token accepted: no upgrade");
    }

    @Test
    void a_refused_token_passes_the_upgrade_and_fails_the_token() throws IOException {
        int port = httpServer(401, true);
        Path token = Files.writeString(tmp.resolve("token"), "wrong\n");
        Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
        config("[upstream]\nurl = \"ws://127.0.0.1:" + port + "/sync\"\ntoken_file = \"" + token + "\"\n");

        Run run = doctor();

        assertThat(run.exit()).isEqualTo(ExitCodes.FAILURE);
        assertThat(run.out()).contains("✓ token: read from " + token)
                .contains("✓ WebSocket upgrade: the upstream answers at /sync and asks for credentials")
                .contains("✗ token accepted: the upstream refused the token (HTTP 401)")
                .contains("fix: put the right token in upstream.token_file (or WOK_UPSTREAM_TOKEN), then: wok connect");
        assertThat(authorizations).containsExactly("Bearer wrong");
    }

    @Test
    void a_missing_token_says_to_set_one() throws IOException {
        int port = httpServer(401, true);
        config("[upstream]\nurl = \"ws://127.0.0.1:" + port + "/sync\"\n");

        Run run = doctor();

        assertThat(run.exit()).isEqualTo(ExitCodes.FAILURE);
        assertThat(run.out()).contains("✓ token: none set, so the upstream must not require one")
                .contains("✗ token accepted: the upstream wants a token (HTTP 401) and none is set")
                .contains("fix: set upstream.token_file in config.toml");
    }

    @Test
    void a_zero_timeout_is_a_usage_error() {
        Run run = doctor("--timeout", "0s");

        assertThat(run.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("--timeout must be more than 0");
    }

    private final List<String> authorizations = new ArrayList<>();

    /** A plain-text server that answers whatever it is sent with an HTTP 400, as a plain HTTP server does a TLS hello. */
    private int plainServer() throws IOException {
        ServerSocket server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        Thread thread = new Thread(() -> {
            while (true) {
                try (java.net.Socket client = server.accept()) {
                    client.getInputStream().read(new byte[512]);
                    client.getOutputStream().write("HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n"
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    if (server.isClosed()) {
                        return;
                    }
                }
            }
        }, "plain-server");
        thread.setDaemon(true);
        thread.start();
        servers.add(server);
        return server.getLocalPort();
    }

    /** The JDK's HTTP server, answering every request (the WebSocket upgrade included) with {@code status}. */
    private int httpServer(int status, boolean recordAuthorization) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            if (recordAuthorization) {
                String header = exchange.getRequestHeaders().getFirst("Authorization");
                synchronized (authorizations) {
                    if (header != null) {
                        authorizations.add(header);
                    }
                }
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        servers.add(() -> server.stop(0));
        return server.getAddress().getPort();
    }

    /**
     * A stand-in wokd on the socket, speaking the binary frames wok's client uses: it answers hello with
     * {@code version} and status as a local-only daemon of pid 4242, or, with {@code answers} false, reads
     * and never answers (a daemon stuck on its event loop).
     */
    private void fakeDaemon(boolean answers, String version) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(home.resolve("wokd.sock")));
        Thread thread = new Thread(() -> {
            try (server) {
                while (true) {
                    try (SocketChannel client = server.accept()) {
                        serve(client, answers, version);
                    } catch (IOException clientGone) {
                        // the next doctor run connects again
                    }
                }
            } catch (IOException closed) {
                // the test is over
            }
        }, "fake-wokd");
        thread.setDaemon(true);
        thread.start();
        servers.add(server);
    }

    private static void serve(SocketChannel client, boolean answers, String version) throws IOException {
        while (true) {
            ByteBuffer header = ByteBuffer.allocate(FrameHeader.LENGTH);
            while (header.hasRemaining()) {
                if (client.read(header) < 0) {
                    return;
                }
            }
            header.flip();
            FrameHeader frame;
            try {
                frame = FrameHeader.decode(header, FrameHeader.DEFAULT_MAX_PAYLOAD);
            } catch (dev.wok.protocol.ProtocolException e) {
                return;
            }
            ByteBuffer payload = ByteBuffer.allocate(frame.payloadLength());
            while (payload.hasRemaining()) {
                if (client.read(payload) < 0) {
                    return;
                }
            }
            if (!answers) {
                continue;
            }
            Request request;
            try {
                request = BinaryFrames.decodeRequest(frame, payload.array(), 0, payload.capacity());
            } catch (dev.wok.protocol.ProtocolException e) {
                return;
            }
            ObjectNode result = Json.object();
            if (request.method().equals("hello")) {
                result.put("version", version);
                result.put("protocol", WokVersion.PROTOCOL);
            } else {
                result.put("state", "disabled");
                result.put("version", version);
                result.put("pid", 4242);
            }
            client.write(ByteBuffer.wrap(BinaryFrames.encode(new Response(request.id(), result))));
        }
    }

    private void config(String toml) {
        try {
            Files.writeString(home.resolve("config.toml"), toml);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static JsonNode check(JsonNode report, String name) {
        for (JsonNode check : report.path("checks")) {
            if (check.path("name").asText().equals(name)) {
                return check;
            }
        }
        throw new AssertionError("no check named " + name + " in " + report);
    }

    private Run doctor(String... options) {
        String[] args = new String[options.length + 1];
        args[0] = "doctor";
        System.arraycopy(options, 0, args, 1, options.length);
        return Run.wok(CliContext.forTests(env), args);
    }
}
