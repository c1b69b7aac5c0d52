package dev.wok.cli.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What 'wokd logs' prints: the last lines, and with -f each new line, across a roll-over. */
class LogTailTest {
    @TempDir
    Path dir;

    @Test
    void prints_the_last_n_lines() throws IOException {
        Path log = dir.resolve("wokd.log");
        Files.writeString(log, "one\ntwo\nthree\nfour\nfive\n");

        assertThat(last(log, 3)).isEqualTo("three\nfour\nfive\n");
        assertThat(last(log, 10)).isEqualTo("one\ntwo\nthree\nfour\nfive\n");
        assertThat(last(log, 0)).isEmpty();
    }

    @Test
    void a_last_line_without_its_newline_counts_as_a_line() throws IOException {
        Path log = dir.resolve("wokd.log");
        Files.writeString(log, "one\ntwo\nthree");

        assertThat(last(log, 2)).isEqualTo("two\nthree\n");
    }

    @Test
    void the_last_lines_of_a_file_longer_than_one_read_chunk() throws IOException {
        Path log = dir.resolve("wokd.log");
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            text.append("line ").append(i).append('\n');
        }
        Files.writeString(log, text);

        assertThat(last(log, 2000).lines()).hasSize(2000).startsWith("line 3000").endsWith("line 4999");
    }

    @Test
    void follows_new_lines_and_carries_on_across_a_roll_over() throws Exception {
        Path log = dir.resolve("wokd.log");
        Files.writeString(log, "old 1\nold 2\n");
        StringWriter printed = new StringWriter();
        PrintWriter out = new PrintWriter(printed, true);
        AtomicBoolean following = new AtomicBoolean(true);
        LogTail tail = LogTail.printLast(log, 1, out);
        Thread follower = new Thread(() -> {
            try {
                tail.follow(following::get, Duration.ofMillis(5));
            } catch (IOException e) {
                out.println("FAILED " + e);
            }
        }, "test-log-follower");
        follower.start();
        try {
            append(log, "new 1\nhalf");
            await().atMost(Duration.ofSeconds(10)).until(() -> text(printed).contains("new 1\n"));
            assertThat(text(printed)).doesNotContain("half");

            // What Logback's FixedWindowRollingPolicy does: the line ends, the file is moved away (then
            // compressed), and a new file takes its name.
            append(log, " line\nlast before the roll\n");
            Files.move(log, dir.resolve("wokd.log.1"));
            Files.writeString(log, "first after the roll\n");
            append(log, "second after the roll\n");

            await().atMost(Duration.ofSeconds(10)).until(() -> text(printed).contains("second after the roll\n"));
            assertThat(text(printed)).isEqualTo("old 2\nnew 1\nhalf line\nlast before the roll\nfirst after the roll\n"
                    + "second after the roll\n");
        } finally {
            following.set(false);
            follower.join(10_000);
            tail.close();
        }
    }

    @Test
    void following_a_log_that_does_not_exist_yet_prints_it_once_it_appears() throws Exception {
        Path log = dir.resolve("wokd.log");
        StringWriter printed = new StringWriter();
        PrintWriter out = new PrintWriter(printed, true);
        AtomicBoolean following = new AtomicBoolean(true);
        LogTail tail = LogTail.printLast(log, 5, out);
        Thread follower = new Thread(() -> {
            try {
                tail.follow(following::get, Duration.ofMillis(5));
            } catch (IOException e) {
                out.println("FAILED " + e);
            }
        }, "test-log-follower");
        follower.start();
        try {
            Files.writeString(log, "started\n");
            await().atMost(Duration.ofSeconds(10)).until(() -> text(printed).equals("started\n"));
        } finally {
            following.set(false);
            follower.join(10_000);
            tail.close();
        }
    }

    private static String text(StringWriter printed) {
        synchronized (printed.getBuffer()) {
            return printed.toString();
        }
    }

    private static String last(Path log, int lines) throws IOException {
        StringWriter printed = new StringWriter();
        try (LogTail tail = LogTail.printLast(log, lines, new PrintWriter(printed, true))) {
            tail.flushPartialLine();
        }
        return printed.toString();
    }

    private static void append(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardOpenOption.APPEND);
    }
}
