package dev.wok.cli.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StartLogTest {
    @TempDir
    Path dir;

    @Test
    void gives_the_last_lines_written_since_the_mark_and_nothing_from_before() throws Exception {
        Path log = dir.resolve("wokd.log");
        Files.writeString(log, "an earlier run's last line\n");
        StartLog start = StartLog.mark(log);
        Files.writeString(log, "[0.006s][warning][gc,ergo] NewSize\n\nError occurred during initialization of VM\n"
                + "  Multiple garbage collectors selected  \n\n", StandardOpenOption.APPEND);
        assertThat(start.lastLines()).isEqualTo("[0.006s][warning][gc,ergo] NewSize | Error occurred during initialization"
                + " of VM | Multiple garbage collectors selected");
    }

    @Test
    void keeps_only_the_last_three_lines() throws Exception {
        Path log = dir.resolve("wokd.log");
        StartLog start = StartLog.mark(log);
        Files.writeString(log, "one\ntwo\nthree\nfour\n");
        assertThat(start.lastLines()).isEqualTo("two | three | four");
    }

    @Test
    void a_log_that_rolled_over_since_the_mark_is_read_from_its_start() throws Exception {
        Path log = dir.resolve("wokd.log");
        Files.writeString(log, "x".repeat(1000) + "\n");
        StartLog start = StartLog.mark(log);
        Files.writeString(log, "the new file's only line\n");
        assertThat(start.lastLines()).isEqualTo("the new file's only line");
    }

    @Test
    void nothing_written_or_no_log_at_all_gives_nothing() throws Exception {
        Path log = dir.resolve("wokd.log");
        assertThat(StartLog.mark(log).lastLines()).isEmpty();
        Files.writeString(log, "before\n");
        assertThat(StartLog.mark(log).lastLines()).isEmpty();
    }
}
