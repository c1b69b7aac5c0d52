package dev.wok.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wok.relay.store.RelayStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** wok-relay's start-up errors, as a user reads them: one line naming the file, the cause and the fix. */
class RelayMainTest {
    @TempDir
    Path dir;

    private record Run(int exit, String err) {}

    private static Run run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine relay = RelayMain.commandLine();
        relay.setErr(new PrintWriter(err, true));
        relay.setOut(new PrintWriter(new StringWriter(), true));
        return new Run(relay.execute(args), err.toString());
    }

    @Test
    void a_missing_token_file_is_named_with_its_cause_and_no_stack_trace_or_usage() {
        Path missing = dir.resolve("missing");
        Run run = run("--data", dir.resolve("data").toString(), "--token-file", missing.toString());
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("wok-relay: cannot read token file " + missing
                + ": no such file or directory; create it with the token, or fix the path\n");
    }

    @Test
    void a_token_file_others_can_read_gets_the_chmod_fix_without_the_usage() throws Exception {
        Path token = dir.resolve("token");
        Files.writeString(token, "secret\n");
        Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-r--r--"));
        Run run = run("--data", dir.resolve("data").toString(), "--token-file", token.toString());
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("readable by others; fix it with: chmod 600 " + token).doesNotContain("Usage:");
    }

    @Test
    void a_data_path_that_is_a_file_or_a_damaged_store_is_named_with_the_cause() throws Exception {
        Path file = dir.resolve("plain");
        Files.writeString(file, "x");
        assertThat(run("--data", file.toString()).err()).contains(file + " for the store: it is not a directory");

        Path data = dir.resolve("data");
        Files.createDirectories(data);
        Files.writeString(data.resolve(RelayStore.FILE), "not a database ".repeat(100));
        Run damaged = run("--data", data.toString());
        assertThat(damaged.exit()).isEqualTo(1);
        assertThat(damaged.err()).contains("is damaged or not a relay store").contains("move it away");
    }

    @Test
    void a_port_in_use_suggests_another() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Run run = run("--data", dir.resolve("data").toString(), "--bind", "127.0.0.1:" + taken.getLocalPort());
            assertThat(run.exit()).isEqualTo(1);
            assertThat(run.err()).contains("address is in use").contains("--bind 127.0.0.1:0");
        }
    }

    @Test
    void a_bad_idle_timeout_names_the_accepted_forms() {
        Run run = run("--data", dir.resolve("data").toString(), "--idle-timeout", "soon");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("'soon' is not a positive duration; write it like 500ms, 10s or 2m");
    }

    @Test
    void the_store_is_private_to_its_owner() throws Exception {
        Path data = dir.resolve("data");
        try (RelayStore store = RelayStore.open(data)) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve(RelayStore.FILE))))
                    .isEqualTo("rw-------");
            for (String sidecar : new String[] {"-wal", "-shm"}) {
                Path path = data.resolve(RelayStore.FILE + sidecar);
                if (Files.exists(path)) {
                    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path))).isEqualTo("rw-------");
                }
            }
        }
    }
}
