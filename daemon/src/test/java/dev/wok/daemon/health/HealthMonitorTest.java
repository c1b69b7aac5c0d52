package dev.wok.daemon.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wok.daemon.upstream.ConnectionSnapshot;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The connector's thread only queues: a burst of changes is one write, and nothing is written after "stopped". */
class HealthMonitorTest {
    @TempDir
    Path dir;

    @Test
    void a_burst_of_changes_while_a_write_waits_makes_one_write_and_a_later_change_another() throws Exception {
        ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor();
        AtomicInteger reports = new AtomicInteger();
        HealthMonitor monitor = new HealthMonitor(() -> {
            reports.incrementAndGet();
            return report();
        }, new HealthFile(dir.resolve("health.json")), housekeeping, Clock.systemUTC());
        try {
            CountDownLatch busy = new CountDownLatch(1);
            housekeeping.execute(() -> await(busy));
            for (int i = 0; i < 100; i++) {
                monitor.changed(ConnectionSnapshot.initial(Optional.empty(), 10));
            }
            busy.countDown();
            drain(housekeeping);
            assertThat(reports.get()).isEqualTo(1);

            monitor.changed(ConnectionSnapshot.initial(Optional.empty(), 10));
            drain(housekeeping);
            assertThat(reports.get()).isEqualTo(2);

            monitor.stop();
            monitor.changed(ConnectionSnapshot.initial(Optional.empty(), 10));
            drain(housekeeping);
            assertThat(reports.get()).isEqualTo(3); // the "stopped" report, then nothing
            assertThat(new HealthFile(dir.resolve("health.json")).path()).content().contains("\"state\" : \"stopped\"");
        } finally {
            housekeeping.shutdownNow();
        }
    }

    private static void drain(ScheduledExecutorService executor) throws Exception {
        executor.submit(() -> { }).get(10, TimeUnit.SECONDS);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static HealthReport report() {
        Instant now = Instant.now();
        return new HealthReport(now, "connected", "connected", Optional.empty(), 0, Optional.empty(), 1, 1, 2,
                OptionalLong.empty(), 1, "1.0", now, Path.of("/s"), Path.of("/l"));
    }
}
