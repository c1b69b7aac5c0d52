package dev.wok.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import dev.wok.cli.logs.LogTail;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wokd logs -f} against Logback's own roll-over, set up as wokd's LogSetup does it (a fixed window
 * of gzipped files): every line is printed once, in order, before and after each roll.
 */
@Timeout(60)
class LogsFollowRollOverTest {
    @TempDir
    Path home;

    @Test
    void follows_every_line_once_across_logback_roll_overs() throws Exception {
        Path log = home.resolve("wokd.log");
        LoggerContext context = new LoggerContext(); // its own, apart from the test JVM's logging
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        RollingFileAppender<ILoggingEvent> appender = rollingAppender(context, log);
        Logger logger = context.getLogger("test");
        logger.addAppender(appender);
        logger.info("line 0");

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
        List<String> expected = new ArrayList<>(List.of("line 0"));
        try {
            // A follower reads each file before the next roll (wokd's roll at 10 MiB is far apart from its polls);
            // the lines written just before a roll and just after it are the ones at stake.
            int line = 0;
            for (int round = 1; round <= 3; round++) {
                for (int i = 0; i < 100; i++) {
                    line++;
                    logger.info("line {}", line);
                    expected.add("line " + line);
                }
                String last = "line " + line + "\n";
                await().atMost(Duration.ofSeconds(20)).until(() -> printed(printed).contains(last));
                logger.info("line {}", ++line); // written, then rolled away at once
                expected.add("line " + line);
                appender.rollover(); // what the size trigger does at 10 MiB
            }
            for (int i = 0; i < 50; i++) {
                logger.info("line {}", ++line);
                expected.add("line " + line);
            }
            String last = "line " + line + "\n";
            await().atMost(Duration.ofSeconds(20)).until(() -> printed(printed).contains(last));
        } finally {
            following.set(false);
            follower.join(10_000);
            tail.close();
            context.stop();
        }
        assertThat(home.resolve("wokd.log.3.gz")).exists();
        assertThat(printed(printed).lines().toList()).isEqualTo(expected);
    }

    private static String printed(StringWriter printed) {
        synchronized (printed.getBuffer()) {
            return printed.toString();
        }
    }

    private static RollingFileAppender<ILoggingEvent> rollingAppender(LoggerContext context, Path log) {
        RollingFileAppender<ILoggingEvent> file = new RollingFileAppender<>();
        file.setContext(context);
        file.setFile(log.toString());
        FixedWindowRollingPolicy rolling = new FixedWindowRollingPolicy();
        rolling.setContext(context);
        rolling.setParent(file);
        rolling.setFileNamePattern(log + ".%i.gz");
        rolling.setMinIndex(1);
        rolling.setMaxIndex(3);
        rolling.start();
        SizeBasedTriggeringPolicy<ILoggingEvent> trigger = new SizeBasedTriggeringPolicy<>();
        trigger.setContext(context);
        trigger.start();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%msg%n");
        encoder.start();
        file.setRollingPolicy(rolling);
        file.setTriggeringPolicy(trigger);
        file.setEncoder(encoder);
        file.start();
        return file;
    }
}
