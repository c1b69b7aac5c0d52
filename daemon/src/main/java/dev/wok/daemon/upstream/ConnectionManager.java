package dev.wok.daemon.upstream;

import dev.wok.daemon.config.UpstreamConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one owner of the upstream connection: a single actor on one {@link Scheduler} thread, so there are
 * no locks and no races between attempts. Others send it requests ({@link #connect}, {@link #disconnect},
 * {@link #shutdown}) and read {@link #snapshot()}; nobody waits on a connect.
 *
 * <p>Every attempt carries a generation number. A callback or timer from an older attempt changes
 * nothing, and the attempt it speaks for is closed, so a late connect can leave no ghost connection.
 */
public final class ConnectionManager {
    private static final Logger log = LoggerFactory.getLogger(ConnectionManager.class);
    /** The backoff resets only after a connection stayed up this long with its handshake finished. */
    static final Duration STABLE_AFTER = Duration.ofSeconds(5);
    /**
     * The transport times each phase (TCP, TLS, upgrade, welcome) with the connect timeout; this
     * backstop covers a transport that never reports at all, so it allows all four phases.
     */
    static final int PHASES = 4;
    /**
     * After the server says it is restarting (close 1001), retries within this window come every
     * random 0–1 s and do not count as failures, so the daemon is back within about a second of the
     * server, however long the restart takes, without growing its backoff.
     */
    static final Duration RESTART_WINDOW = Duration.ofSeconds(30);
    /** While waiting to retry, the clocks are compared this often to notice a sleep/wake. */
    static final Duration CLOCK_CHECK = Duration.ofSeconds(1);
    /** Wall time running ahead of monotonic time by more than this means the system slept. */
    static final Duration CLOCK_JUMP = Duration.ofSeconds(5);

    private final UpstreamConfig config;
    private final Transport transport;
    private final Scheduler scheduler;
    private final Backoff backoff;
    private final List<Consumer<ConnectionSnapshot>> watchers = new CopyOnWriteArrayList<>();
    private volatile ConnectionSnapshot published;

    // Owned by the scheduler thread.
    private ConnectionState state;
    private long generation;
    private int failures;
    private boolean everConnected;
    private Transport.Attempt current;
    private Scheduler.Cancellable connectTimer;
    private Scheduler.Cancellable retryTimer;
    private Scheduler.Cancellable stableTimer;
    private Scheduler.Cancellable clockCheck;
    private Instant nextRetryAt;
    private Instant connectedSince;
    private String lastError;
    private Instant restartWindowEnds;
    private Instant lastHeartbeatAt;
    private Duration lastRoundTrip;

    public ConnectionManager(UpstreamConfig config, Transport transport, Scheduler scheduler, RandomGenerator random) {
        this.config = config;
        this.transport = transport;
        this.scheduler = scheduler;
        this.backoff = new Backoff(config.retry(), random);
        this.published = ConnectionSnapshot.initial(config.redactedUrl(), config.retry().maxAttempts());
        this.state = published.state();
    }

    /** The latest snapshot; safe from any thread. */
    public ConnectionSnapshot snapshot() {
        return published;
    }

    /** {@code watcher} gets every snapshot from now on, on the connector's thread: it must not block. */
    public Runnable watch(Consumer<ConnectionSnapshot> watcher) {
        watchers.add(watcher);
        return () -> watchers.remove(watcher);
    }

    /** Starts connecting, unless no upstream is configured. */
    public void start() {
        scheduler.execute(() -> {
            if (state == ConnectionState.DISCONNECTED && config.url().isPresent()) {
                attemptNow();
            }
        });
    }

    /** Connects now: skips any backoff wait, and retries after a fatal failure or a disconnect. */
    public void connect() {
        scheduler.execute(() -> {
            switch (state) {
                case DISCONNECTED, FAILED, CONNECTING, RECONNECTING, SUSPENDED -> {
                    if (current != null && connectTimer != null) {
                        return; // an attempt is already in flight
                    }
                    failures = 0;
                    everConnected = false;
                    attemptNow();
                }
                default -> { }
            }
        });
    }

    /** Pauses sync: closes the connection or attempt and stops retrying until {@link #connect}. */
    public void disconnect() {
        scheduler.execute(() -> {
            if (state == ConnectionState.DISABLED || state == ConnectionState.CLOSING || state == ConnectionState.CLOSED) {
                return;
            }
            abandonCurrent();
            failures = 0;
            transition(ConnectionState.DISCONNECTED);
        });
    }

    /** Cancels the attempt in flight and every timer, closes the connection, and ends in {@code closed}. */
    public void shutdown() {
        scheduler.execute(() -> {
            if (state == ConnectionState.CLOSED) {
                return;
            }
            transition(ConnectionState.CLOSING);
            abandonCurrent();
            transition(ConnectionState.CLOSED);
            watchers.clear();
        });
    }

    private void attemptNow() {
        cancelTimers();
        nextRetryAt = null;
        long attemptGeneration = ++generation;
        transition(waitingState(), failures + 1);
        Transport.Events events = new Transport.Events() {
            @Override
            public void opened(long g) {
                scheduler.execute(() -> onOpened(g));
            }

            @Override
            public void failed(long g, Transport.Failure failure) {
                scheduler.execute(() -> onFailed(g, failure));
            }

            @Override
            public void heartbeat(long g, Duration roundTrip) {
                scheduler.execute(() -> onHeartbeat(g, roundTrip));
            }
        };
        Duration timeout = config.retry().connectTimeout().multipliedBy(PHASES);
        connectTimer = scheduler.schedule(timeout, () -> onConnectTimeout(attemptGeneration));
        try {
            current = transport.open(attemptGeneration, events);
        } catch (RuntimeException e) {
            onFailed(attemptGeneration, Transport.Failure.retryable("cannot start a connection: " + e));
        }
    }

    private void onOpened(long g) {
        if (g != generation || current == null) {
            log.debug("closing a connection from stale attempt {} (current {})", g, generation);
            return;
        }
        cancel(connectTimer);
        connectTimer = null;
        restartWindowEnds = null;
        everConnected = true;
        connectedSince = scheduler.now();
        lastError = null;
        lastHeartbeatAt = null;
        lastRoundTrip = null;
        stableTimer = scheduler.schedule(STABLE_AFTER, () -> onStable(g));
        transition(ConnectionState.CONNECTED, 0);
        log.info("connected to {}", config.redactedUrl().orElse("?"));
    }

    private void onHeartbeat(long g, Duration roundTrip) {
        if (g != generation || state != ConnectionState.CONNECTED) {
            return;
        }
        lastHeartbeatAt = scheduler.now();
        lastRoundTrip = roundTrip;
        transition(ConnectionState.CONNECTED, 0);
    }

    private void onStable(long g) {
        if (g == generation && state == ConnectionState.CONNECTED) {
            failures = 0;
        }
    }

    private void onConnectTimeout(long g) {
        if (g != generation || state == ConnectionState.CONNECTED) {
            return;
        }
        onFailed(g, Transport.Failure.retryable("no connection within "
                + config.retry().connectTimeout().multipliedBy(PHASES).toMillis() + " ms"));
    }

    private void onFailed(long g, Transport.Failure failure) {
        if (g != generation) {
            log.debug("ignoring '{}' from stale attempt {} (current {})", failure.message(), g, generation);
            return;
        }
        boolean wasStable = state == ConnectionState.CONNECTED && failures == 0
                && connectedSince != null && !scheduler.now().isBefore(connectedSince.plus(STABLE_AFTER));
        abandonCurrent();
        lastError = failure.message();
        connectedSince = null;
        if (failure.fatal()) {
            log.warn("upstream refused us, not retrying until 'wok connect' or a reload: {}", failure.message());
            transition(ConnectionState.FAILED, 0);
            return;
        }
        if (failure.goingAway() && (state == ConnectionState.CONNECTED)) {
            restartWindowEnds = scheduler.now().plus(RESTART_WINDOW);
        }
        boolean serverRestarting = restartWindowEnds != null && scheduler.now().isBefore(restartWindowEnds);
        Duration delay;
        if (wasStable) {
            failures = 0;
            delay = backoff.afterHealthyDrop();
        } else if (serverRestarting) {
            delay = backoff.afterHealthyDrop();
        } else {
            failures++;
            delay = backoff.afterFailures(failures);
        }
        log.info("upstream {} ({}); retrying in {} ms", everConnected ? "lost" : "unreachable", failure.message(), delay.toMillis());
        long retryGeneration = generation;
        nextRetryAt = scheduler.now().plus(delay);
        retryTimer = scheduler.schedule(delay, () -> {
            if (retryGeneration == generation && retryTimer != null) {
                retryTimer = null;
                attemptNow();
            }
        });
        watchClock(retryGeneration, scheduler.now(), scheduler.nanoTime());
        transition(waitingState(), failures + 1);
    }

    /**
     * Timers follow monotonic time, which stands still while the system sleeps, so a wait begun
     * before a sleep would go on after the wake. Wall time jumps ahead instead: seeing that, retry now.
     */
    private void watchClock(long g, Instant wallBefore, long monoBefore) {
        clockCheck = scheduler.schedule(CLOCK_CHECK, () -> {
            if (g != generation || retryTimer == null) {
                return;
            }
            Duration wall = Duration.between(wallBefore, scheduler.now());
            Duration mono = Duration.ofNanos(scheduler.nanoTime() - monoBefore);
            if (wall.minus(mono).compareTo(CLOCK_JUMP) > 0) {
                log.info("the clock jumped {} s ahead (system sleep?); retrying now", wall.minus(mono).toSeconds());
                retryTimer.cancel();
                retryTimer = null;
                attemptNow();
            } else {
                watchClock(g, scheduler.now(), scheduler.nanoTime());
            }
        });
    }

    private ConnectionState waitingState() {
        if (failures >= config.retry().maxAttempts()) {
            return ConnectionState.SUSPENDED;
        }
        return everConnected ? ConnectionState.RECONNECTING : ConnectionState.CONNECTING;
    }

    /** Closes the current attempt and makes every callback or timer still pending for it stale. */
    private void abandonCurrent() {
        cancelTimers();
        nextRetryAt = null;
        generation++;
        if (current != null) {
            Transport.Attempt closing = current;
            current = null;
            closing.close();
        }
    }

    private void cancelTimers() {
        cancel(connectTimer);
        cancel(retryTimer);
        cancel(stableTimer);
        cancel(clockCheck);
        connectTimer = null;
        retryTimer = null;
        stableTimer = null;
        clockCheck = null;
    }

    private static void cancel(Scheduler.Cancellable timer) {
        if (timer != null) {
            timer.cancel();
        }
    }

    private void transition(ConnectionState next) {
        transition(next, 0);
    }

    private void transition(ConnectionState next, int attempt) {
        state = next;
        ConnectionSnapshot snapshot = new ConnectionSnapshot(next, attempt, config.retry().maxAttempts(),
                Optional.ofNullable(nextRetryAt), config.redactedUrl(), Optional.ofNullable(connectedSince),
                Optional.ofNullable(lastError), Optional.ofNullable(lastHeartbeatAt), Optional.ofNullable(lastRoundTrip),
                generation);
        published = snapshot;
        for (Consumer<ConnectionSnapshot> watcher : watchers) {
            try {
                watcher.accept(snapshot);
            } catch (RuntimeException e) {
                log.warn("a state watcher failed; removing it", e);
                watchers.remove(watcher);
            }
        }
    }
}
