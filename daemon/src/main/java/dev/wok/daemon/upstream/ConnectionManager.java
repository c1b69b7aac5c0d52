package dev.wok.daemon.upstream;

import dev.wok.protocol.config.UpstreamConfig;
import dev.wok.protocol.api.ConnectionState;
import dev.wok.protocol.upstream.UpstreamMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one owner of the upstream connection: a single actor on one {@link Scheduler} thread, so there are
 * no locks and no races between attempts (docs/ARCHITECTURE.md, "The connector"). Others send it
 * messages ({@link #connect}, {@link #disconnect}, {@link #reconfigure}, {@link #shutdown},
 * {@link #watch}) and read {@link #snapshot()}; nobody waits on a connect, and every message is
 * handled on the actor's thread, in the order it was sent.
 *
 * <p>Every attempt carries a generation number. A callback or timer from an older attempt changes
 * nothing, and the attempt it speaks for is closed, so a late connect can leave no ghost connection.
 */
public final class ConnectionManager {
    private static final Logger log = LoggerFactory.getLogger(ConnectionManager.class);
    /** The backoff resets only after a connection stayed up this long with its handshake finished. */
    static final Duration STABLE_AFTER = Duration.ofSeconds(5);
    /**
     * The dialer times each phase (DNS, TCP, TLS, upgrade, welcome) with the connect timeout; this
     * backstop covers a dialer that never reports at all, so it allows every phase.
     */
    static final int PHASES = 5;
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

    /** Gets connection changes on the actor's thread, so it must not block. */
    public interface Watcher {
        /**
         * The current snapshot when registered, then each change a person would notice: of state, attempt,
         * upstream or error. A heartbeat alone is not a change (it is in {@link #snapshot()}).
         */
        void changed(ConnectionSnapshot snapshot);

        /** The connector has stopped for good (the daemon is stopping): nothing follows. */
        default void ended() {}
    }

    /**
     * What runs on a live connection (the sync engine): told on the actor's thread when a connection is
     * welcomed, of every message after that, and when it ends. It must not block.
     */
    public interface Session {
        Session NONE = new Session() {
            @Override
            public void connected(UpstreamMessage.Welcome welcome, Dialer.Link link) {}

            @Override
            public void received(UpstreamMessage message) {}

            @Override
            public void disconnected() {}
        };

        void connected(UpstreamMessage.Welcome welcome, Dialer.Link link);

        void received(UpstreamMessage message);

        void disconnected();
    }

    /** What a watcher has been told, to tell it only changes. */
    private record Seen(ConnectionState state, int attempt, Optional<String> url, Optional<String> error) {
        static Seen of(ConnectionSnapshot s) {
            return new Seen(s.state(), s.attempt(), s.url(), s.lastError());
        }
    }

    private static final class Subscription {
        final Watcher watcher;
        Seen seen;

        Subscription(Watcher watcher) {
            this.watcher = watcher;
        }
    }

    /** A caller waiting for the connection to settle after its request. */
    private record Waiter(Predicate<ConnectionSnapshot> settled, CompletableFuture<ConnectionSnapshot> result,
                          Scheduler.Cancellable timer) {}

    private final Function<UpstreamConfig, Dialer> dialers;
    private final Session session;
    private final Scheduler scheduler;
    private final RandomGenerator random;
    private volatile ConnectionSnapshot published;

    // Everything below is owned by the scheduler's thread.
    private final List<Subscription> subscriptions = new ArrayList<>();
    private final List<Waiter> waiters = new ArrayList<>();
    private UpstreamConfig config;
    private Dialer dialer;
    private Backoff backoff;
    private ConnectionState state;
    private int attempt;
    private long generation;
    private int failures;
    private boolean everConnected;
    private Dialer.Attempt current;
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
    private boolean sessionLive;

    /**
     * @param dialers makes the dialer for a configuration that has an upstream, once per configuration;
     *                called on the actor thread for a reconfigure, so it must only build objects, not do I/O
     */
    public ConnectionManager(UpstreamConfig config, Function<UpstreamConfig, Dialer> dialers, Scheduler scheduler,
                             RandomGenerator random) {
        this(config, dialers, scheduler, random, Session.NONE);
    }

    /** @param session what runs on each live connection; called on the actor's thread */
    public ConnectionManager(UpstreamConfig config, Function<UpstreamConfig, Dialer> dialers, Scheduler scheduler,
                             RandomGenerator random, Session session) {
        this.dialers = dialers;
        this.session = session;
        this.scheduler = scheduler;
        this.random = random;
        this.config = config;
        this.dialer = dialerFor(config);
        this.backoff = new Backoff(config.retry(), random);
        this.published = ConnectionSnapshot.initial(config.redactedUrl(), config.retry().maxAttempts());
        this.state = published.state();
    }

    private Dialer dialerFor(UpstreamConfig c) {
        return c.url().isPresent() ? dialers.apply(c) : null;
    }

    /** The latest snapshot; safe from any thread. */
    public ConnectionSnapshot snapshot() {
        return published;
    }

    /**
     * Sends {@code watcher} the current snapshot, then every change, until the returned action is run or
     * the connector stops ({@link Watcher#ended()}).
     */
    public Runnable watch(Watcher watcher) {
        Subscription subscription = new Subscription(watcher);
        scheduler.execute(() -> {
            onActor();
            subscription.seen = Seen.of(published);
            watcher.changed(published);
            if (state == ConnectionState.CLOSED) {
                watcher.ended();
            } else {
                subscriptions.add(subscription);
            }
        });
        return () -> scheduler.execute(() -> subscriptions.remove(subscription));
    }

    /** Starts connecting, unless no upstream is configured. */
    public void start() {
        scheduler.execute(() -> {
            onActor();
            if (state == ConnectionState.DISCONNECTED && config.url().isPresent()) {
                attemptNow();
            }
        });
    }

    /** Connects now, without waiting for the outcome; see {@link #connect(Duration)}. */
    public void connect() {
        connect(Duration.ZERO);
    }

    /**
     * Connects now: skips any backoff wait, and retries after a fatal failure or a disconnect. The stage
     * completes with the snapshot once the outcome is known (connected, refused, or an attempt failed and
     * the next is scheduled), or after {@code settleWithin}, whichever comes first.
     */
    public CompletionStage<ConnectionSnapshot> connect(Duration settleWithin) {
        CompletableFuture<ConnectionSnapshot> result = new CompletableFuture<>();
        scheduler.execute(() -> {
            onActor();
            switch (state) {
                case DISCONNECTED, FAILED, CONNECTING, RECONNECTING, SUSPENDED -> {
                    if (current == null || connectTimer == null) { // else an attempt is already in flight
                        failures = 0;
                        everConnected = false;
                        attemptNow();
                    }
                }
                default -> { }
            }
            awaitSettled(result, settleWithin, ConnectionManager::settledAfterConnect);
        });
        return result;
    }

    private static boolean settledAfterConnect(ConnectionSnapshot s) {
        return switch (s.state()) {
            case CONNECTED, FAILED, DISABLED, DISCONNECTED, CLOSING, CLOSED -> true;
            case CONNECTING, RECONNECTING, SUSPENDED -> s.nextRetryAt().isPresent(); // an attempt failed
        };
    }

    /** Pauses sync: closes the connection or attempt and stops retrying until {@link #connect}. */
    public CompletionStage<ConnectionSnapshot> disconnect() {
        CompletableFuture<ConnectionSnapshot> result = new CompletableFuture<>();
        scheduler.execute(() -> {
            onActor();
            if (state != ConnectionState.DISABLED && state != ConnectionState.CLOSING && state != ConnectionState.CLOSED) {
                abandonCurrent();
                failures = 0;
                everConnected = false;
                forgetConnection();
                lastError = null;
                restartWindowEnds = null;
                transition(ConnectionState.DISCONNECTED, 0);
            }
            result.complete(published);
        });
        return result;
    }

    /**
     * Applies a reloaded configuration. An unchanged one only retries after a failure (a fixed token
     * file, say). A changed one closes what is open and starts over with the new upstream, retry and
     * heartbeat settings; a connection paused with {@code disconnect} stays paused.
     */
    public CompletionStage<ConnectionSnapshot> reconfigure(UpstreamConfig next) {
        Objects.requireNonNull(next, "next");
        CompletableFuture<ConnectionSnapshot> result = new CompletableFuture<>();
        scheduler.execute(() -> {
            onActor();
            if (state == ConnectionState.CLOSING || state == ConnectionState.CLOSED) {
                result.complete(published);
                return;
            }
            if (next.equals(config)) {
                if (state == ConnectionState.FAILED || state == ConnectionState.SUSPENDED) {
                    failures = 0;
                    everConnected = false;
                    attemptNow();
                }
                result.complete(published);
                return;
            }
            boolean paused = state == ConnectionState.DISCONNECTED && current == null && nextRetryAt == null;
            abandonCurrent();
            config = next;
            dialer = dialerFor(next);
            backoff = new Backoff(next.retry(), random);
            failures = 0;
            everConnected = false;
            forgetConnection();
            lastError = null;
            restartWindowEnds = null;
            log.info("upstream reconfigured: {}", next.redactedUrl().map(u -> "syncing with " + u).orElse("none; sync disabled"));
            if (next.url().isEmpty()) {
                transition(ConnectionState.DISABLED, 0);
            } else if (paused) {
                transition(ConnectionState.DISCONNECTED, 0);
            } else {
                attemptNow();
            }
            result.complete(published);
        });
        return result;
    }

    /**
     * Cancels the attempt in flight and every timer, closes the connection, ends in {@code closed}, and
     * tells every watcher it has ended. The stage completes once all of that is done.
     */
    public CompletionStage<Void> shutdown() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        scheduler.execute(() -> {
            onActor();
            if (state != ConnectionState.CLOSED) {
                transition(ConnectionState.CLOSING, 0);
                abandonCurrent();
                forgetConnection();
                transition(ConnectionState.CLOSED, 0);
                List<Subscription> ending = List.copyOf(subscriptions);
                subscriptions.clear();
                for (Subscription s : ending) {
                    try {
                        s.watcher.ended();
                    } catch (RuntimeException e) {
                        log.warn("a state watcher failed while ending", e);
                    }
                }
            }
            done.complete(null);
        });
        return done;
    }

    private void attemptNow() {
        cancelTimers();
        nextRetryAt = null;
        long attemptGeneration = ++generation;
        transition(waitingState(), failures + 1);
        Dialer.Events events = new Dialer.Events() {
            @Override
            public void opened(long g, UpstreamMessage.Welcome welcome, Dialer.Link link) {
                scheduler.execute(() -> onOpened(g, welcome, link));
            }

            @Override
            public void received(long g, UpstreamMessage message) {
                scheduler.execute(() -> onReceived(g, message));
            }

            @Override
            public void failed(long g, Dialer.Failure failure) {
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
            current = dialer.dial(attemptGeneration, events);
        } catch (RuntimeException e) {
            onFailed(attemptGeneration, Dialer.Failure.retryable("cannot start a connection: " + e));
        }
    }

    private void onOpened(long g, UpstreamMessage.Welcome welcome, Dialer.Link link) {
        onActor();
        if (g != generation || current == null) {
            log.debug("ignoring the success of stale attempt {} (current {})", g, generation);
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
        sessionLive = true;
        session.connected(welcome, link);
    }

    private void onReceived(long g, UpstreamMessage message) {
        onActor();
        if (g == generation && state == ConnectionState.CONNECTED) {
            session.received(message);
        }
    }

    /**
     * Drops the live connection and connects again soon (the sync engine found it out of step: a gap
     * in the events, a store write that failed). Not counted as a failure.
     */
    public void resync(String why) {
        scheduler.execute(() -> {
            onActor();
            if (state == ConnectionState.CONNECTED) {
                log.info("reconnecting to resync: {}", why);
                onFailed(generation, Dialer.Failure.goingAway(why));
            }
        });
    }

    private void onHeartbeat(long g, Duration roundTrip) {
        onActor();
        if (g != generation || state != ConnectionState.CONNECTED) {
            return;
        }
        lastHeartbeatAt = scheduler.now();
        lastRoundTrip = roundTrip;
        publish();
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
        onFailed(g, Dialer.Failure.retryable("no connection within "
                + config.retry().connectTimeout().multipliedBy(PHASES).toMillis() + " ms"));
    }

    private void onFailed(long g, Dialer.Failure failure) {
        onActor();
        if (g != generation) {
            log.debug("ignoring '{}' from stale attempt {} (current {})", failure.message(), g, generation);
            return;
        }
        boolean wasStable = state == ConnectionState.CONNECTED && failures == 0
                && connectedSince != null && !scheduler.now().isBefore(connectedSince.plus(STABLE_AFTER));
        boolean wasConnected = state == ConnectionState.CONNECTED;
        abandonCurrent();
        forgetConnection();
        lastError = failure.message();
        if (failure.fatal()) {
            log.warn("upstream refused us, not retrying until 'wok connect' or a reload: {}", failure.message());
            transition(ConnectionState.FAILED, 0);
            return;
        }
        if (failure.goingAway() && wasConnected) {
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

    /** What described the last connection goes with it, so status never shows a dead one's figures. */
    private void forgetConnection() {
        connectedSince = null;
        lastHeartbeatAt = null;
        lastRoundTrip = null;
    }

    /** Closes the current attempt and makes every callback or timer still pending for it stale. */
    private void abandonCurrent() {
        if (sessionLive) {
            sessionLive = false;
            session.disconnected();
        }
        cancelTimers();
        nextRetryAt = null;
        generation++;
        if (current != null) {
            Dialer.Attempt closing = current;
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

    private void awaitSettled(CompletableFuture<ConnectionSnapshot> result, Duration within,
                              Predicate<ConnectionSnapshot> settled) {
        if (within.isZero() || within.isNegative() || settled.test(published)) {
            result.complete(published);
            return;
        }
        Waiter[] self = new Waiter[1];
        Scheduler.Cancellable timer = scheduler.schedule(within, () -> {
            waiters.remove(self[0]);
            result.complete(published);
        });
        self[0] = new Waiter(settled, result, timer);
        waiters.add(self[0]);
    }

    private void transition(ConnectionState next, int nextAttempt) {
        state = next;
        attempt = nextAttempt;
        publish();
    }

    private void publish() {
        onActor();
        ConnectionSnapshot snapshot = new ConnectionSnapshot(state, attempt, config.retry().maxAttempts(),
                Optional.ofNullable(nextRetryAt), config.redactedUrl(), Optional.ofNullable(connectedSince),
                Optional.ofNullable(lastError), Optional.ofNullable(lastHeartbeatAt), Optional.ofNullable(lastRoundTrip),
                generation);
        published = snapshot;
        Seen seen = Seen.of(snapshot);
        for (Subscription s : List.copyOf(subscriptions)) {
            if (seen.equals(s.seen)) {
                continue;
            }
            s.seen = seen;
            try {
                s.watcher.changed(snapshot);
            } catch (RuntimeException e) {
                log.warn("a state watcher failed; removing it", e);
                subscriptions.remove(s);
            }
        }
        for (Waiter w : List.copyOf(waiters)) {
            if (w.settled().test(snapshot)) {
                waiters.remove(w);
                w.timer().cancel();
                w.result().complete(snapshot);
            }
        }
    }

    /** Every actor step checks it runs on the actor's thread: a message sent any other way is a bug. */
    private void onActor() {
        if (!scheduler.inThread()) {
            throw new IllegalStateException("connection manager code ran on " + Thread.currentThread().getName()
                    + ", not on its actor thread");
        }
    }
}
