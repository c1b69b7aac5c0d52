package dev.wok.daemon.sync;

import dev.wok.daemon.store.PendingOp;
import dev.wok.daemon.store.Store;
import dev.wok.daemon.store.StoreSnapshot;
import dev.wok.daemon.upstream.ConnectionManager;
import dev.wok.daemon.upstream.ConnectionSnapshot;
import dev.wok.daemon.upstream.Dialer;
import dev.wok.daemon.upstream.Scheduler;
import dev.wok.protocol.api.ConnectionState;
import dev.wok.protocol.upstream.UpstreamMessage;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves ops between the store and a live upstream connection (docs/ARCHITECTURE.md, "Sync"). It runs on
 * the connector's actor thread, beside the connection manager, and reaches the store only through
 * stages whose results it takes back to that thread, so its state has one owner and no locks.
 *
 * <p>Out: outbox ops in client-seq order, at most {@link #WINDOW} unacknowledged, never before the
 * welcome; on welcome the ops the upstream already stored are dropped and the rest resent with the same
 * seqs. In: events in server order, each applied once (anything at or below the last seq is skipped;
 * a gap reconnects to pull again from the last seq applied; a new epoch empties the log first).
 */
public final class SyncEngine implements ConnectionManager.Session, Store.Listener {
    private static final Logger log = LoggerFactory.getLogger(SyncEngine.class);
    /** Ops sent and not yet acknowledged, at most. */
    static final int WINDOW = 1000;
    /** Ops pushed while connected are sent from memory; past this many unsent, they are read back from the store. */
    private static final int RECENT_MAX = 2 * WINDOW;
    private static final Duration PROGRESS_EVERY = Duration.ofMillis(100);

    /** Why a sync-now did not finish. */
    public static final class SyncFailed extends Exception {
        public enum Kind { TIMEOUT, NO_UPSTREAM, NOT_CONNECTED, STORE }

        private final Kind kind;

        SyncFailed(Kind kind, String message) {
            super(message);
            this.kind = kind;
        }

        public Kind kind() {
            return kind;
        }
    }

    /** How far a sync-now has come. */
    public record Progress(long pending, long acked, long pulled) {}

    /** A finished sync-now: ops acknowledged and events pulled while it ran. */
    public record Result(long sent, long received, Duration took) {}

    private final class SyncWaiter {
        final long id;
        final long targetCseq;
        final long ackedAtStart;
        final long appliedAtStart;
        final long startNanos;
        final Consumer<Progress> progress;
        final CompletableFuture<Result> result = new CompletableFuture<>();
        long targetHead = -1;
        long lastProgressNanos;
        Scheduler.Cancellable timer;

        SyncWaiter(long id, long targetCseq, Consumer<Progress> progress) {
            this.id = id;
            this.targetCseq = targetCseq;
            this.ackedAtStart = acked;
            this.appliedAtStart = applied;
            this.startNanos = scheduler.nanoTime();
            this.progress = progress;
        }
    }

    private final Store store;
    private final Scheduler scheduler;
    private ConnectionManager connection;

    // Owned by the actor's thread.
    private Dialer.Link link;
    private long session;
    private boolean ready;
    private long acked;
    /** Acknowledged and recorded in the store: what sync-now waits for, so that status agrees when it returns. */
    private long ackedDurable;
    private long nextToSend;
    private long lastPushed;
    private boolean fetching;
    private final ArrayDeque<PendingOp> recent = new ArrayDeque<>();
    private long lastAccepted;
    private long applied;
    private List<Store.Incoming> toApply = new ArrayList<>();
    private boolean flushQueued;
    private long nextSyncId = 1;
    private final List<SyncWaiter> syncs = new ArrayList<>();

    public SyncEngine(Store store, Scheduler scheduler) {
        this.store = store;
        this.scheduler = scheduler;
        StoreSnapshot s = store.snapshot();
        this.acked = s.acked();
        this.ackedDurable = s.acked();
        this.lastPushed = s.nextCseq() - 1;
        this.applied = s.lastSeq();
        this.lastAccepted = s.lastSeq();
    }

    /** Wires the engine to the manager it runs beside; once, before the manager starts. */
    public void attach(ConnectionManager manager) {
        this.connection = manager;
        manager.watch(snapshot -> {
            if (snapshot.state() == ConnectionState.FAILED || snapshot.state() == ConnectionState.DISABLED
                    || snapshot.state() == ConnectionState.CLOSED) {
                failSyncs(SyncFailed.Kind.NOT_CONNECTED, "not connected: " + describe(snapshot));
            }
        });
        store.listen(this);
    }

    /** The hello for the next attempt: who we are and where we stand, from the store's last commit. */
    public UpstreamMessage.Hello hello(String version) {
        StoreSnapshot s = store.snapshot();
        return new UpstreamMessage.Hello(s.clientId(), s.acked(), s.lastSeq(), s.epoch().orElse(null), version);
    }

    @Override
    public void connected(UpstreamMessage.Welcome welcome, Dialer.Link newLink) {
        link = newLink;
        long mine = ++session;
        StoreSnapshot s = store.snapshot();
        boolean newEpoch = s.epoch().map(e -> !e.equals(welcome.epoch())).orElse(false);
        // Events may follow the welcome at once; they are judged against where the log will be once the
        // welcome is stored (writes are applied in the order they are queued).
        lastAccepted = newEpoch ? 0 : s.lastSeq();
        if (newEpoch) {
            log.warn("the upstream's store was replaced (epoch {} → {}); pulling the event log again from the start",
                    s.epoch().orElse("?"), welcome.epoch());
        }
        store.welcome(welcome.epoch(), welcome.applied()).whenComplete((changed, error) -> scheduler.execute(() -> {
            if (mine != session) {
                return;
            }
            if (error != null) {
                connection.resync("the store could not record the welcome: " + error.getMessage());
                return;
            }
            StoreSnapshot now = store.snapshot();
            if (changed) {
                applied = 0;
            }
            acked = Math.max(acked, now.acked());
            ackedDurable = Math.max(ackedDurable, now.acked());
            lastPushed = Math.max(lastPushed, now.nextCseq() - 1);
            nextToSend = acked + 1;
            ready = true;
            for (SyncWaiter w : syncs) {
                link.send(new UpstreamMessage.Sync(w.id));
            }
            if (!syncs.isEmpty()) {
                link.flush();
            }
            pump();
        }));
    }

    @Override
    public void received(UpstreamMessage message) {
        if (message instanceof UpstreamMessage.Ack ack) {
            onAck(ack.upTo());
        } else if (message instanceof UpstreamMessage.Event event) {
            onEvent(event);
        } else if (message instanceof UpstreamMessage.Synced synced) {
            for (SyncWaiter w : syncs) {
                if (w.id == synced.id()) {
                    w.targetHead = synced.head();
                }
            }
            checkSyncs();
        }
    }

    @Override
    public void disconnected() {
        link = null;
        ready = false;
        session++;
        recent.clear();
        fetching = false;
        flush();
    }

    private void onAck(long upTo) {
        if (upTo <= acked) {
            return;
        }
        acked = upTo;
        store.ack(upTo).whenComplete((ok, error) -> scheduler.execute(() -> {
            if (error != null) {
                log.warn("could not record an ack; the ops stay in the outbox and are deduplicated upstream: {}",
                        error.getMessage());
                return;
            }
            ackedDurable = Math.max(ackedDurable, upTo);
            checkSyncs();
        }));
        pump();
        checkSyncs();
    }

    private void onEvent(UpstreamMessage.Event event) {
        if (event.seq() <= lastAccepted) {
            return;
        }
        if (event.seq() != lastAccepted + 1) {
            connection.resync("a gap in the upstream's events: expected seq " + (lastAccepted + 1) + ", got " + event.seq()
                    + "; pulling again from " + lastAccepted);
            return;
        }
        lastAccepted = event.seq();
        toApply.add(new Store.Incoming(event.seq(), event.client(), event.cseq(), event.body()));
        if (!flushQueued) {
            flushQueued = true;
            scheduler.execute(this::flush);
        }
    }

    /** Hands the events read so far to the store in one write; runs once per batch of messages read. */
    private void flush() {
        flushQueued = false;
        if (toApply.isEmpty()) {
            return;
        }
        List<Store.Incoming> batch = toApply;
        toApply = new ArrayList<>();
        long mine = session;
        store.apply(batch).whenComplete((last, error) -> scheduler.execute(() -> {
            if (error != null) {
                log.warn("could not store events: {}", error.getMessage());
                if (mine == session) {
                    connection.resync("the store could not record events: " + error.getMessage());
                }
                return;
            }
            applied = Math.max(applied, last);
            ackedDurable = Math.max(ackedDurable, store.snapshot().acked()); // our own ops' echoes
            checkSyncs();
        }));
    }

    @Override
    public void pushed(List<PendingOp> ops) {
        scheduler.execute(() -> {
            for (PendingOp op : ops) {
                lastPushed = Math.max(lastPushed, op.cseq());
                if (ready && (recent.isEmpty() ? op.cseq() >= nextToSend : op.cseq() == recent.peekLast().cseq() + 1)
                        && recent.size() < RECENT_MAX) {
                    recent.add(op);
                } else {
                    recent.clear(); // out of step: the store has them; pump reads them back
                }
            }
            pump();
        });
    }

    /** Sends what the window allows, from memory where it can and from the outbox otherwise. */
    private void pump() {
        if (!ready || link == null) {
            return;
        }
        acked = Math.max(acked, store.snapshot().acked()); // our own ops' echoes count as acks too
        nextToSend = Math.max(nextToSend, acked + 1);
        boolean sent = false;
        while (nextToSend <= lastPushed && nextToSend - acked - 1 < WINDOW) {
            while (!recent.isEmpty() && recent.peekFirst().cseq() < nextToSend) {
                recent.pollFirst();
            }
            if (recent.isEmpty() || recent.peekFirst().cseq() != nextToSend) {
                break;
            }
            PendingOp op = recent.pollFirst();
            link.send(new UpstreamMessage.Op(op.cseq(), op.body()));
            nextToSend++;
            sent = true;
        }
        if (sent) {
            link.flush();
        }
        if (nextToSend <= lastPushed && nextToSend - acked - 1 < WINDOW && !fetching) {
            fetch();
        }
    }

    private void fetch() {
        fetching = true;
        long mine = session;
        int room = (int) (WINDOW - (nextToSend - acked - 1));
        store.pending(nextToSend - 1, room).whenComplete((ops, error) -> scheduler.execute(() -> {
            if (mine != session) {
                return;
            }
            fetching = false;
            if (error != null) {
                log.warn("could not read the outbox: {}", error.getMessage());
                return;
            }
            nextToSend = Math.max(nextToSend, acked + 1);
            boolean sent = false;
            for (PendingOp op : ops) {
                if (op.cseq() < nextToSend) {
                    continue;
                }
                if (op.cseq() > nextToSend) {
                    // Rows leave the outbox only once the upstream stored them (an ack, or our own op's
                    // echo), so the seqs missing below this one need not be sent.
                    nextToSend = op.cseq();
                }
                if (nextToSend - acked - 1 >= WINDOW) {
                    break;
                }
                link.send(new UpstreamMessage.Op(op.cseq(), op.body()));
                nextToSend++;
                sent = true;
            }
            if (sent) {
                link.flush();
            }
            if (ops.isEmpty()) {
                // Nothing left above nextToSend: what seemed unsent was acknowledged meanwhile.
                lastPushed = Math.min(lastPushed, Math.max(acked, nextToSend - 1));
            }
            pump();
        }));
    }

    /**
     * Completes when every op pushed before the call is acknowledged and every event up to the upstream's
     * head at the time of the call is applied here; connects at once if it must. Progress goes to
     * {@code progress} (on the connector's thread: it must not block).
     */
    public CompletionStage<Result> syncNow(Duration timeout, Consumer<Progress> progress) {
        CompletableFuture<Result> outcome = new CompletableFuture<>();
        scheduler.execute(() -> {
            ConnectionSnapshot state = connection.snapshot();
            if (state.state() == ConnectionState.DISABLED) {
                outcome.completeExceptionally(new SyncFailed(SyncFailed.Kind.NO_UPSTREAM,
                        "no upstream is configured: set [upstream] url in config.toml, then run: wokd reload"));
                return;
            }
            if (store.snapshot().failure().isPresent()) {
                outcome.completeExceptionally(new SyncFailed(SyncFailed.Kind.STORE, store.snapshot().failure().get().getMessage()));
                return;
            }
            SyncWaiter w = new SyncWaiter(nextSyncId++, store.snapshot().nextCseq() - 1, progress);
            w.result.whenComplete((r, e) -> {
                if (e == null) {
                    outcome.complete(r);
                } else {
                    outcome.completeExceptionally(e);
                }
            });
            w.timer = scheduler.schedule(timeout, () -> {
                if (syncs.remove(w)) {
                    ConnectionSnapshot now = connection.snapshot();
                    w.result.completeExceptionally(new SyncFailed(SyncFailed.Kind.TIMEOUT, "not synced within "
                            + timeout.toMillis() + " ms: " + describe(now) + "; " + (lastPushedAfter(w.targetCseq))
                            + (w.targetHead < 0 ? "the upstream's head is not known yet" : "pulled up to " + applied
                            + " of " + w.targetHead)));
                }
            });
            syncs.add(w);
            w.progress.accept(progress(w));
            w.lastProgressNanos = scheduler.nanoTime();
            if (ready && link != null) {
                link.send(new UpstreamMessage.Sync(w.id));
                link.flush();
            } else {
                connection.connect();
            }
            checkSyncs();
        });
        return outcome;
    }

    private String lastPushedAfter(long targetCseq) {
        long waiting = Math.max(0, targetCseq - acked);
        return waiting == 0 ? "every op was acknowledged, " : waiting + " ops not acknowledged yet, ";
    }

    private Progress progress(SyncWaiter w) {
        return new Progress(Math.max(0, lastPushed - acked), acked - w.ackedAtStart, applied - w.appliedAtStart);
    }

    private void checkSyncs() {
        if (syncs.isEmpty()) {
            return;
        }
        long now = scheduler.nanoTime();
        for (Iterator<SyncWaiter> it = syncs.iterator(); it.hasNext(); ) {
            SyncWaiter w = it.next();
            if (w.targetHead >= 0 && ackedDurable >= w.targetCseq && applied >= w.targetHead) {
                it.remove();
                w.timer.cancel();
                w.progress.accept(progress(w));
                w.result.complete(new Result(Math.max(0, acked - w.ackedAtStart), Math.max(0, applied - w.appliedAtStart),
                        Duration.ofNanos(now - w.startNanos)));
            } else if (now - w.lastProgressNanos >= PROGRESS_EVERY.toNanos()) {
                w.lastProgressNanos = now;
                w.progress.accept(progress(w));
            }
        }
    }

    private void failSyncs(SyncFailed.Kind kind, String message) {
        for (SyncWaiter w : List.copyOf(syncs)) {
            syncs.remove(w);
            w.timer.cancel();
            w.result.completeExceptionally(new SyncFailed(kind, message));
        }
    }

    private static String describe(ConnectionSnapshot s) {
        return s.describe() + s.lastError().map(e -> " (last error: " + e + ")").orElse("");
    }
}
