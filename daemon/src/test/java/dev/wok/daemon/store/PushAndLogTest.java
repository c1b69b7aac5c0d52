package dev.wok.daemon.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wok.protocol.config.StoreConfig;
import dev.wok.protocol.config.UpstreamConfig;
import dev.wok.protocol.config.WokConfig;
import dev.wok.daemon.lifecycle.Daemon;
import dev.wok.daemon.testing.Frames;
import dev.wok.daemon.testing.RawClient;
import dev.wok.daemon.testing.TestDaemon;
import dev.wok.protocol.Json;
import dev.wok.protocol.paths.CurrentUser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** push and log over the socket, as a script would use them, and what happens when the disk will not take them. */
@Timeout(60)
class PushAndLogTest {
    static final String AWKWARD = "{\"n\":1e400, \"d\":1.00000000000000000000000000001,\"s\":\"\\ud800\"}";

    @TempDir
    Path home;

    Path mount;

    @AfterEach
    void unmount() throws Exception {
        if (mount != null) {
            run("umount", "-l", mount.toString());
        }
    }

    private static int run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }

    /** A small tmpfs of our own, so that a test can fill it or make it read-only; needs root. */
    private Path tmpfs(String size) throws Exception {
        assumeThat(CurrentUser.uid()).as("mounting a small file system needs root").isZero();
        Path dir = home.resolve("small");
        Files.createDirectories(dir);
        assumeThat(run("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0700", "tmpfs", dir.toString()))
                .as("mount -t tmpfs is allowed here").isZero();
        mount = dir;
        return dir;
    }

    private static JsonNode call(RawClient client, String line) throws Exception {
        return client.send(line + "\n").readJson();
    }

    private static List<JsonNode> stream(RawClient client, String line) throws Exception {
        client.send(line + "\n");
        List<JsonNode> messages = new ArrayList<>();
        while (true) {
            JsonNode message = client.readJson();
            messages.add(message);
            if (message.has("result") || message.has("error")) {
                return messages;
            }
        }
    }

    @Test
    void a_push_is_answered_with_its_id_and_log_shows_it_pending_exactly_as_written() throws Exception {
        try (Daemon daemon = TestDaemon.start(home); RawClient client = RawClient.connect(daemon.paths().socket())) {
            JsonNode pushed = call(client, "{\"id\":1,\"method\":\"push\",\"params\":{\"body\":" + AWKWARD + "}}");
            assertThat(pushed.path("result").path("seq").asLong()).isEqualTo(1);
            assertThat(pushed.path("result").path("id").asText()).matches("[0-9a-f-]{36}:1");

            client.send("{\"id\":2,\"method\":\"log\"}\n");
            String entry = client.readLine();
            assertThat(entry).contains("\"pending\":true").contains("\"body\":" + AWKWARD + "}");
            JsonNode done = client.readJson();
            assertThat(done.path("result").path("pending").asLong()).isEqualTo(1);
            assertThat(done.path("result").path("entries").asLong()).isZero();

            JsonNode status = call(client, "{\"id\":3,\"method\":\"status\"}").path("result");
            assertThat(status.path("pending").asLong()).isEqualTo(1);
            assertThat(status.path("oldest_pending_age_ms").isNumber()).isTrue();
        }
    }

    @Test
    void a_push_that_is_not_an_op_is_refused_with_the_reason() throws Exception {
        try (Daemon daemon = TestDaemon.start(home); RawClient client = RawClient.connect(daemon.paths().socket())) {
            JsonNode missing = call(client, "{\"id\":1,\"method\":\"push\"}");
            assertThat(missing.path("error").path("data").path("reason").asText()).isEqualTo("invalid_params");
            assertThat(missing.path("error").path("message").asText()).contains("needs \"body\"");
            JsonNode array = call(client, "{\"id\":2,\"method\":\"push\",\"params\":{\"body\":[1,2]}}");
            assertThat(array.path("error").path("message").asText()).contains("must be a JSON object, got array");
        }
        try (Daemon daemon = TestDaemon.start(home); RawClient client = RawClient.connect(daemon.paths().socket())) {
            String big = "{\"method\":\"push\",\"params\":{\"body\":{\"x\":\"" + "a".repeat(1 << 20) + "\"}}}";
            RawClient.Frame answer = client.send(Frames.request(7, big)).readFrame();
            assertThat(answer.payload().path("error").path("message").asText())
                    .contains("over the limit of 1048576 bytes for one op").contains("split it");
            assertThat(client.send(Frames.request(8, "{\"method\":\"ping\"}")).readFrame().payload().path("result").path("pong")
                    .asBoolean()).as("the connection goes on").isTrue();
        }
    }

    @Test
    void a_push_past_the_quota_is_refused_naming_the_quota_and_the_pending_count() throws Exception {
        WokConfig config = new WokConfig(UpstreamConfig.DISABLED, true, new StoreConfig(2));
        try (Daemon daemon = TestDaemon.start(home, s -> s.withConfig(config));
             RawClient client = RawClient.connect(daemon.paths().socket())) {
            call(client, "{\"id\":1,\"method\":\"push\",\"params\":{\"body\":{}}}");
            call(client, "{\"id\":2,\"method\":\"push\",\"params\":{\"body\":{}}}");
            JsonNode refused = call(client, "{\"id\":3,\"method\":\"push\",\"params\":{\"body\":{}}}").path("error");
            assertThat(refused.path("data").path("reason").asText()).isEqualTo("outbox_full");
            assertThat(refused.path("message").asText()).contains("2 ops wait").contains("max_pending) is 2");
        }
    }

    @Test
    void a_damaged_store_refuses_pushes_while_everything_else_answers() throws Exception {
        Files.writeString(home.resolve(Store.FILE), "not a database ".repeat(200));
        Files.setPosixFilePermissions(home.resolve(Store.FILE), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        try (Daemon daemon = TestDaemon.start(home); RawClient client = RawClient.connect(daemon.paths().socket())) {
            JsonNode refused = call(client, "{\"id\":1,\"method\":\"push\",\"params\":{\"body\":{}}}").path("error");
            assertThat(refused.path("data").path("reason").asText()).isEqualTo("store_unavailable");
            assertThat(refused.path("message").asText()).contains("damaged").contains("mv ");
            assertThat(call(client, "{\"id\":2,\"method\":\"ping\"}").path("result").path("pong").asBoolean()).isTrue();
            JsonNode status = call(client, "{\"id\":3,\"method\":\"status\"}").path("result");
            assertThat(status.path("store_error").asText()).contains("damaged");
        }
    }

    @Test
    void a_full_disk_refuses_pushes_keeps_what_was_stored_and_takes_pushes_again_once_there_is_room() throws Exception {
        Path small = tmpfs("2m");
        try (Daemon daemon = TestDaemon.start(small); RawClient client = RawClient.connect(daemon.paths().socket())) {
            assertThat(call(client, "{\"id\":1,\"method\":\"push\",\"params\":{\"body\":{\"kept\":1}}}").path("result").path("seq").asLong())
                    .isEqualTo(1);
            Path filler = small.resolve("filler");
            try (var out = Files.newOutputStream(filler)) {
                byte[] chunk = new byte[64 * 1024];
                while (true) {
                    out.write(chunk);
                }
            } catch (IOException full) {
                // the disk is full now
            }
            String blob = "x".repeat(200_000);
            JsonNode refused = null;
            for (int i = 2; i < 40 && refused == null; i++) {
                JsonNode answer = call(client, "{\"id\":" + i + ",\"method\":\"push\",\"params\":{\"body\":{\"blob\":\"" + blob + "\"}}}");
                if (answer.has("error")) {
                    refused = answer.path("error");
                }
            }
            assertThat(refused).as("a push on a full disk is refused").isNotNull();
            assertThat(refused.path("data").path("reason").asText()).isEqualTo("store_unavailable");
            assertThat(refused.path("message").asText()).contains("no space left").contains("free some space");
            assertThat(call(client, "{\"id\":50,\"method\":\"status\"}").path("result").path("pid").asLong()).isPositive();
            assertThat(call(client, "{\"id\":51,\"method\":\"ping\"}").path("result").path("pong").asBoolean()).isTrue();

            Files.delete(filler);
            JsonNode again = call(client, "{\"id\":52,\"method\":\"push\",\"params\":{\"body\":{\"after\":1}}}");
            assertThat(again.path("result").path("seq").asLong()).as("pushes work again once there is room: %s", again).isPositive();
            List<JsonNode> log = stream(client, "{\"id\":53,\"method\":\"log\"}");
            assertThat(log.stream().filter(m -> m.path("params").path("body").path("kept").asInt() == 1)).hasSize(1);
        }
    }

    @Test
    void a_store_file_that_cannot_be_written_refuses_pushes_with_the_fix_while_everything_else_answers() throws Exception {
        assumeThat(CurrentUser.uid()).as("making a file immutable needs root").isZero();
        try (Daemon daemon = TestDaemon.start(home); RawClient client = RawClient.connect(daemon.paths().socket())) {
            call(client, "{\"id\":1,\"method\":\"push\",\"params\":{\"body\":{\"kept\":1}}}");
        }
        Path db = home.resolve(Store.FILE);
        assumeThat(run("chattr", "+i", db.toString())).as("chattr +i works on this file system").isZero();
        try (Daemon daemon = TestDaemon.start(home); RawClient client = RawClient.connect(daemon.paths().socket())) {
            JsonNode answer = call(client, "{\"id\":2,\"method\":\"push\",\"params\":{\"body\":{}}}");
            JsonNode refused = answer.path("error");
            assertThat(refused.path("data").path("reason").asText()).as("%s", answer).isEqualTo("store_unavailable");
            assertThat(refused.path("message").asText()).contains("cannot be written").contains("chmod u+w " + db);
            assertThat(call(client, "{\"id\":3,\"method\":\"ping\"}").path("result").path("pong").asBoolean()).isTrue();
            assertThat(call(client, "{\"id\":4,\"method\":\"status\"}").path("result").path("store_error").asText())
                    .contains("cannot be written");
        } finally {
            run("chattr", "-i", db.toString());
        }
        try (Daemon daemon = TestDaemon.start(home); RawClient client = RawClient.connect(daemon.paths().socket())) {
            JsonNode again = call(client, "{\"id\":5,\"method\":\"push\",\"params\":{\"body\":{}}}");
            assertThat(again.path("result").path("seq").asLong()).as("nothing stored was lost: the next seq follows").isEqualTo(2);
        }
    }
}
