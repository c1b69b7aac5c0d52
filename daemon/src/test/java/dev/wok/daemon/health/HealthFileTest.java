package dev.wok.daemon.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wok.protocol.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** health.json is replaced whole: a monitor reading it at any moment gets a complete report. */
class HealthFileTest {
    @TempDir
    Path dir;

    @Test
    void a_concurrent_reader_never_sees_a_partial_file() throws Exception {
        HealthFile file = new HealthFile(dir.resolve("health.json"));
        file.write(report(0));
        AtomicBoolean writing = new AtomicBoolean(true);
        List<String> broken = new ArrayList<>();
        CompletableFuture<Integer> reader = CompletableFuture.supplyAsync(() -> {
            int reads = 0;
            while (writing.get() || reads < 100) {
                try {
                    byte[] bytes = Files.readAllBytes(file.path());
                    JsonNode json = Json.mapper().readTree(bytes);
                    if (json == null || !json.has("log") || !json.path("state").asText().equals("connected")) {
                        broken.add(new String(bytes));
                    }
                } catch (NoSuchFileException gone) {
                    broken.add("(no file)");
                } catch (IOException partial) {
                    broken.add(partial.getMessage());
                }
                reads++;
            }
            return reads;
        });
        for (int i = 1; i <= 1000; i++) {
            file.write(report(i));
        }
        writing.set(false);

        assertThat(reader.get()).isGreaterThan(100);
        assertThat(broken).isEmpty();
        assertThat(Json.mapper().readTree(file.path().toFile()).path("pending").asLong()).isEqualTo(1000);
        assertThat(dir.resolve("health.json.tmp")).doesNotExist();
    }

    @Test
    void the_report_has_every_documented_field() throws Exception {
        HealthFile file = new HealthFile(dir.resolve("health.json"));
        file.write(report(7));

        JsonNode json = Json.mapper().readTree(file.path().toFile());

        assertThat(json.fieldNames()).toIterable().containsExactly("written_at", "state", "detail", "last_error", "pending",
                "oldest_pending_at", "clients", "heap_used_bytes", "heap_max_bytes", "rss_bytes", "pid", "version",
                "started_at", "uptime_ms", "socket", "log");
        assertThat(json.path("pending").asLong()).isEqualTo(7);
        assertThat(json.path("uptime_ms").asLong()).isEqualTo(60_000);
        assertThat(json.path("last_error").asText()).startsWith("error ");
        assertThat(Files.getPosixFilePermissions(file.path())).hasSize(2); // rw for the owner only
    }

    /** Reports of different lengths, so a torn write would show. */
    private static HealthReport report(int n) {
        Instant started = Instant.parse("2026-01-01T00:00:00Z");
        return new HealthReport(started.plusSeconds(60), "connected", "connected",
                Optional.of("error " + "x".repeat(n % 500)), n, Optional.empty(), n % 7, 1 << 20, 256 << 20,
                OptionalLong.of(50L << 20), 1234, "1.0", started, Path.of("/run/wok/wokd.sock"), Path.of("/state/wokd.log"));
    }
}
