package dev.wok.daemon.health;

import dev.wok.daemon.upstream.ConnectionManager;
import dev.wok.daemon.upstream.ConnectionSnapshot;
import dev.wok.protocol.files.IoErrors;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@code health.json} current and logs a health line: every {@code period}, and the file also on
 * each connection change. All file work runs on the housekeeping thread it is given; the connector's
 * watcher only queues a write, so the actor never waits on a disk. On stop it writes a last report with
 * the state "stopped", which stays for whoever looks later.
 */
public final class HealthMonitor implements ConnectionManager.Watcher {
    private static final Logger log = LoggerFactory.getLogger(HealthMonitor.class);
    public static final Duration PERIOD = Duration.ofMinutes(1);

    private final Supplier<HealthReport> reports;
    private final HealthFile file;
    private final ScheduledExecutorService housekeeping;
    private final Clock clock;
    /** Set while a write is queued: changes that come meanwhile are in that write. */
    private final AtomicBoolean changeQueued = new AtomicBoolean();
    /** Read and written on the housekeeping thread only. */
    private boolean stopped;
    private boolean lastWriteFailed;

    public HealthMonitor(Supplier<HealthReport> reports, HealthFile file, ScheduledExecutorService housekeeping, Clock clock) {
        this.reports = reports;
        this.file = file;
        this.housekeeping = housekeeping;
        this.clock = clock;
    }

    /** The first report soon, then one with a log line every {@code period}. */
    public void start(Duration period) {
        requestWrite();
        housekeeping.scheduleAtFixedRate(this::tick, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** On the connector's thread: queues a write, unless one is queued already, and returns. */
    @Override
    public void changed(ConnectionSnapshot snapshot) {
        requestWrite();
    }

    private void requestWrite() {
        if (!changeQueued.compareAndSet(false, true)) {
            return;
        }
        try {
            housekeeping.execute(() -> {
                changeQueued.set(false); // before the report is made, so a later change queues another
                write();
            });
        } catch (RejectedExecutionException stopping) {
            // The daemon is stopping; its last report says so.
        }
    }

    /** Writes the "stopped" report after anything queued before it, and nothing after; waits up to 5 s. */
    public void stop() {
        try {
            housekeeping.submit(() -> {
                if (!stopped) {
                    HealthReport last = reports.get().stopped(clock.instant());
                    stopped = true;
                    save(last);
                }
            }).get(5, TimeUnit.SECONDS);
        } catch (RejectedExecutionException | ExecutionException | TimeoutException e) {
            log.warn("could not write the final health report to {}: {}", file.path(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void tick() {
        if (stopped) {
            return;
        }
        HealthReport report = reports.get();
        log.info(report.logLine());
        save(report);
    }

    private void write() {
        if (!stopped) {
            save(reports.get());
        }
    }

    /** A failed write is logged once until one succeeds again: a full disk must not flood the log. */
    private void save(HealthReport report) {
        try {
            file.write(report);
            if (lastWriteFailed) {
                log.info("writing {} works again", file.path());
            }
            lastWriteFailed = false;
        } catch (IOException | RuntimeException e) {
            if (!lastWriteFailed) {
                log.warn("cannot write {}: {}", file.path(),
                        e instanceof IOException io ? IoErrors.cause(io) : e.toString());
            }
            lastWriteFailed = true;
        }
    }
}
