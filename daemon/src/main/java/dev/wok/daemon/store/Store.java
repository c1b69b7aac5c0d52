package dev.wok.daemon.store;

import dev.wok.protocol.files.IoErrors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * The daemon's durable store: one SQLite database (WAL, {@code synchronous=FULL}) holding the outbox,
 * the event log and the sync cursor (docs/ARCHITECTURE.md, "The store").
 *
 * <p>One writer thread owns the write connection. Writes queue up; the writer takes whatever is queued
 * and applies it in one transaction (group commit: one fsync for many pushes), then answers each. A
 * reader thread with its own connection serves reads, which WAL lets run beside the writer. Nothing
 * here ever runs on a Netty event loop; callers get stages.
 *
 * <p>A store that cannot be opened (damaged, unwritable) still makes a {@code Store}: every write is
 * refused with the reason, so the daemon keeps answering everything else.
 */
public final class Store implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Store.class);
    public static final String FILE = "wok.db";
    private static final int MAX_BATCH = 4096;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    /** A push, stored: its client seq and its id across the system ({@code client:cseq}). */
    public record Pushed(long cseq, String id) {}

    /** An event from the upstream, to apply in the server's order. */
    public record Incoming(long seq, String client, long cseq, String body) {}

    /** What the store tells others after each commit; called on the writer thread, so it must not block. */
    public interface Listener {
        /** Ops just stored in the outbox, in cseq order. */
        default void pushed(List<PendingOp> ops) {}

        /** Entries just appended to the event log, in order (not empty). */
        default void applied(List<LogEntry> entries) {}
    }

    private sealed interface Write {}

    private record Push(String body, CompletableFuture<Pushed> result) implements Write {}

    private record Ack(long upTo, CompletableFuture<Void> result) implements Write {}

    private record Welcome(String epoch, long applied, CompletableFuture<Boolean> result) implements Write {}

    private record Apply(List<Incoming> events, CompletableFuture<Long> result) implements Write {}

    /** A spooled op, taken into the outbox once: true when taken now, false when it already was. */
    private record Ingest(String name, String body, CompletableFuture<Boolean> result) implements Write {}

    private record Forget(List<String> names, CompletableFuture<Void> result) implements Write {}

    private record Stop() implements Write {}

    private final Path file;
    private final long maxPending;
    private final Clock clock;
    /** Owned by the writer thread once it runs; replaced when a failed write leaves it unusable. */
    private Connection writer;
    private final Connection reader;
    private final BlockingQueue<Write> queue = new LinkedBlockingQueue<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final Thread writerThread;
    private final ExecutorService readerThread;
    private volatile StoreSnapshot snapshot;
    private volatile boolean closed;
    /** Owned by the writer thread. */
    private Statements statements;
    private final java.util.concurrent.atomic.AtomicLong commits = new java.util.concurrent.atomic.AtomicLong();

    private Store(Path file, long maxPending, Clock clock, Connection writer, Connection reader, StoreSnapshot initial) {
        this.file = file;
        this.maxPending = maxPending;
        this.clock = clock;
        this.writer = writer;
        this.reader = reader;
        this.snapshot = initial;
        this.writerThread = new Thread(this::writeLoop, "wokd-store");
        this.writerThread.setDaemon(true);
        this.readerThread = Executors.newSingleThreadExecutor(runnable -> {
            Thread t = new Thread(runnable, "wokd-store-read");
            t.setDaemon(true);
            return t;
        });
        if (writer != null) {
            writerThread.start();
        }
    }

    /**
     * Opens (or creates) the store in {@code stateDir}. Only a store written by a newer wokd is an error
     * here; one that cannot be used otherwise gives a store that refuses writes with the reason.
     */
    public static Store open(Path stateDir, long maxPending, Clock clock) throws StoreException {
        Path file = stateDir.resolve(FILE);
        Connection writer = null;
        Connection reader = null;
        try {
            createOwnerOnly(file);
            writer = connect(file);
            Schema.migrate(writer, file);
            StoreSnapshot initial = load(writer);
            writer.setAutoCommit(false);
            reader = connect(file);
            reader.createStatement().execute("PRAGMA query_only = ON");
            restrictSidecars(file);
            log.info("store {}: {} ops pending, event log at seq {}, client {}", file, initial.pending(),
                    initial.lastSeq(), initial.clientId());
            return new Store(file, maxPending, clock, writer, reader, initial);
        } catch (StoreException e) {
            closeQuietly(writer);
            closeQuietly(reader);
            if (e.kind() == StoreException.Kind.NEWER_SCHEMA) {
                throw e;
            }
            return failed(file, maxPending, clock, e);
        } catch (SQLException e) {
            closeQuietly(writer);
            closeQuietly(reader);
            return failed(file, maxPending, clock, StoreException.of(e, file));
        } catch (IOException e) {
            closeQuietly(writer);
            closeQuietly(reader);
            return failed(file, maxPending, clock, new StoreException(StoreException.Kind.READ_ONLY,
                    "cannot create the store " + file + ": " + IoErrors.cause(e) + "; make its directory writable", e));
        }
    }

    private static Store failed(Path file, long maxPending, Clock clock, StoreException why) {
        log.error("the store cannot be used; pushes are refused until it is fixed: {}", why.getMessage());
        StoreSnapshot broken = new StoreSnapshot("unknown", 1, 0, 0, Optional.empty(), 0, Optional.empty(), Optional.of(why),
                Optional.empty());
        return new Store(file, maxPending, clock, null, null, broken);
    }

    private static void createOwnerOnly(Path file) throws IOException {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        }
    }

    /** SQLite makes the WAL and shared-memory files with the process's umask; they hold the same data. */
    private static void restrictSidecars(Path file) throws IOException {
        for (String suffix : List.of("-wal", "-shm")) {
            Path sidecar = file.resolveSibling(file.getFileName() + suffix);
            if (Files.exists(sidecar, LinkOption.NOFOLLOW_LINKS)) {
                Files.setPosixFilePermissions(sidecar, OWNER_ONLY);
            }
        }
    }

    private static Connection connect(Path file) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setBusyTimeout(10_000);
        return config.createConnection("jdbc:sqlite:" + file);
    }

    private static StoreSnapshot load(Connection db) throws SQLException {
        try (Statement s = db.createStatement()) {
            try (ResultSet r = s.executeQuery("SELECT client_id, next_cseq, acked, last_seq, epoch FROM state WHERE id = 1")) {
                if (!r.next()) {
                    // A new store is a new client: reusing an old id with fresh seqs would make the upstream
                    // take new ops for duplicates of old ones and drop them.
                    String clientId = UUID.randomUUID().toString();
                    try (PreparedStatement p = db.prepareStatement(
                            "INSERT INTO state (id, client_id, next_cseq, acked, last_seq, epoch) VALUES (1, ?, 1, 0, 0, NULL)")) {
                        p.setString(1, clientId);
                        p.executeUpdate();
                    }
                    return new StoreSnapshot(clientId, 1, 0, 0, Optional.empty(), 0, Optional.empty(), Optional.empty(),
                            Optional.empty());
                }
                String clientId = r.getString(1);
                long storedNext = r.getLong(2);
                long acked = r.getLong(3);
                long lastSeq = r.getLong(4);
                Optional<String> epoch = Optional.ofNullable(r.getString(5));
                long pending;
                long highestPending;
                try (ResultSet c = s.executeQuery("SELECT COUNT(*), COALESCE(MAX(cseq), 0) FROM outbox")) {
                    pending = c.getLong(1);
                    highestPending = c.getLong(2);
                }
                // Pushes do not write next_cseq (one page less per commit): every seq handed out is still in
                // the outbox or was acknowledged, so the next one follows the larger of the two.
                long nextCseq = Math.max(storedNext, Math.max(highestPending, acked) + 1);
                return new StoreSnapshot(clientId, nextCseq, acked, lastSeq, epoch, pending, oldestPending(db), Optional.empty(),
                        Optional.empty());
            }
        }
    }

    private static Optional<Instant> oldestPending(Connection db) throws SQLException {
        try (Statement s = db.createStatement();
             ResultSet r = s.executeQuery("SELECT pushed_at FROM outbox ORDER BY cseq LIMIT 1")) {
            return r.next() ? Optional.of(Instant.ofEpochMilli(r.getLong(1))) : Optional.empty();
        }
    }

    public Path file() {
        return file;
    }

    /** The latest committed state; safe from any thread. */
    public StoreSnapshot snapshot() {
        return snapshot;
    }

    /** Transactions committed since open: with {@code pushes}, how well writes were grouped. */
    public long commits() {
        return commits.get();
    }

    public void listen(Listener listener) {
        listeners.add(listener);
    }

    /**
     * Stores an op (its exact JSON text) in the outbox with the next client seq. Completes after the commit
     * that made it durable, with an {@link OutboxFullException} past the quota, or a {@link StoreException}.
     */
    public CompletionStage<Pushed> push(String body) {
        return enqueue(new Push(body, new CompletableFuture<>()), Push::result);
    }

    /** The upstream stored every op up to {@code upTo}: they leave the outbox. */
    public CompletionStage<Void> ack(long upTo) {
        return enqueue(new Ack(upTo, new CompletableFuture<>()), Ack::result);
    }

    /**
     * A welcome from the upstream: a new epoch (its store was replaced) empties the event log so it can be
     * pulled again from the start; ops up to {@code applied} leave the outbox. True when the epoch changed.
     */
    public CompletionStage<Boolean> welcome(String epoch, long applied) {
        return enqueue(new Welcome(epoch, applied, new CompletableFuture<>()), Welcome::result);
    }

    /**
     * Appends events in one transaction, skipping any at or below the last seq applied; this client's own
     * ops leave the outbox as they arrive. Completes with the new last seq.
     */
    public CompletionStage<Long> apply(List<Incoming> events) {
        return enqueue(new Apply(List.copyOf(events), new CompletableFuture<>()), Apply::result);
    }

    private <W extends Write, T> CompletionStage<T> enqueue(W write, java.util.function.Function<W, CompletableFuture<T>> result) {
        StoreSnapshot now = snapshot;
        if (now.failure().isPresent()) {
            return CompletableFuture.failedFuture(now.failure().get());
        }
        if (closed) {
            return CompletableFuture.failedFuture(new StoreException(StoreException.Kind.CLOSED, "wokd is stopping", null));
        }
        queue.add(write);
        return result.apply(write);
    }

    /**
     * Takes a spooled op into the outbox, exactly once: the spool file's name is recorded in the same
     * transaction, so a file whose removal was interrupted is recognised the next time and not taken again.
     */
    public CompletionStage<Boolean> ingest(String spoolName, String body) {
        return enqueue(new Ingest(spoolName, body, new CompletableFuture<>()), Ingest::result);
    }

    /** The spool files are gone: their names need not be remembered any more. */
    public CompletionStage<Void> forgetSpooled(List<String> names) {
        return enqueue(new Forget(List.copyOf(names), new CompletableFuture<>()), Forget::result);
    }

    /** Events after {@code afterSeq}, in order, at most {@code limit}. */
    public CompletionStage<List<LogEntry>> events(long afterSeq, int limit) {
        return read(db -> {
            try (PreparedStatement p = db.prepareStatement("SELECT seq, client, cseq, body FROM events WHERE seq > ? ORDER BY seq LIMIT ?")) {
                p.setLong(1, afterSeq);
                p.setInt(2, limit);
                List<LogEntry> entries = new ArrayList<>();
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        entries.add(new LogEntry(r.getLong(1), r.getString(2), r.getLong(3), r.getString(4)));
                    }
                }
                return entries;
            }
        });
    }

    /** Ops still in the outbox after {@code afterCseq}, in order, at most {@code limit}. */
    public CompletionStage<List<PendingOp>> pending(long afterCseq, int limit) {
        return read(db -> {
            try (PreparedStatement p = db.prepareStatement("SELECT cseq, body, pushed_at FROM outbox WHERE cseq > ? ORDER BY cseq LIMIT ?")) {
                p.setLong(1, afterCseq);
                p.setInt(2, limit);
                List<PendingOp> ops = new ArrayList<>();
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        ops.add(new PendingOp(r.getLong(1), r.getString(2), r.getLong(3)));
                    }
                }
                return ops;
            }
        });
    }

    private interface Query<T> {
        T run(Connection db) throws SQLException;
    }

    private <T> CompletionStage<T> read(Query<T> query) {
        StoreSnapshot now = snapshot;
        if (reader == null) {
            return CompletableFuture.failedFuture(now.failure().orElseGet(
                    () -> new StoreException(StoreException.Kind.CLOSED, "wokd is stopping", null)));
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            readerThread.execute(() -> {
                try {
                    result.complete(query.run(reader));
                } catch (SQLException e) {
                    result.completeExceptionally(StoreException.of(e, file));
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            result.completeExceptionally(new StoreException(StoreException.Kind.CLOSED, "wokd is stopping", e));
        }
        return result;
    }

    private void writeLoop() {
        List<Write> batch = new ArrayList<>();
        try {
            while (true) {
                batch.clear();
                batch.add(queue.take());
                queue.drainTo(batch, MAX_BATCH - 1);
                boolean stop = batch.removeIf(w -> w instanceof Stop);
                if (!batch.isEmpty()) {
                    commit(batch);
                }
                if (stop) {
                    List<Write> late = new ArrayList<>();
                    queue.drainTo(late);
                    if (!late.isEmpty()) {
                        commit(late);
                    }
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The writer's statements, prepared once, on the writer thread. */
    private static final class Statements {
        final PreparedStatement insertOp;
        final PreparedStatement deleteUpTo;
        final PreparedStatement deleteOne;
        final PreparedStatement insertEvent;
        final PreparedStatement updateState;
        final PreparedStatement spoolTaken;
        final PreparedStatement takeSpool;
        final PreparedStatement forgetSpool;

        Statements(Connection db) throws SQLException {
            spoolTaken = db.prepareStatement("SELECT 1 FROM spool_taken WHERE name = ?");
            takeSpool = db.prepareStatement("INSERT INTO spool_taken (name) VALUES (?)");
            forgetSpool = db.prepareStatement("DELETE FROM spool_taken WHERE name = ?");
            insertOp = db.prepareStatement("INSERT INTO outbox (cseq, body, pushed_at) VALUES (?, ?, ?)");
            deleteUpTo = db.prepareStatement("DELETE FROM outbox WHERE cseq <= ?");
            deleteOne = db.prepareStatement("DELETE FROM outbox WHERE cseq = ?");
            insertEvent = db.prepareStatement("INSERT OR IGNORE INTO events (seq, client, cseq, body) VALUES (?, ?, ?, ?)");
            updateState = db.prepareStatement("UPDATE state SET next_cseq = ?, acked = ?, last_seq = ?, epoch = ? WHERE id = 1");
        }
    }

    /** The state a batch works on; it becomes the store's only once the batch has committed. */
    private static final class Tentative {
        long nextCseq;
        long acked;
        long lastSeq;
        String epoch;
        long pending;
        boolean oldestChanged;
        Optional<Instant> oldest;

        Tentative(StoreSnapshot s) {
            nextCseq = s.nextCseq();
            acked = s.acked();
            lastSeq = s.lastSeq();
            epoch = s.epoch().orElse(null);
            pending = s.pending();
            oldest = s.oldestPendingAt();
        }
    }

    private void commit(List<Write> batch) {
        StoreSnapshot before = snapshot;
        Tentative t = new Tentative(before);
        List<Runnable> answers = new ArrayList<>(batch.size());
        List<PendingOp> pushed = new ArrayList<>();
        List<LogEntry> appended = new ArrayList<>();
        long now = clock.millis();
        try {
            if (statements == null) {
                statements = new Statements(writer);
            }
            PreparedStatement insertOp = statements.insertOp;
            PreparedStatement deleteUpTo = statements.deleteUpTo;
            PreparedStatement deleteOne = statements.deleteOne;
            PreparedStatement insertEvent = statements.insertEvent;
            for (Write write : batch) {
                if (write instanceof Push push) {
                    if (t.pending >= maxPending) {
                        long pendingNow = t.pending;
                        answers.add(() -> push.result().completeExceptionally(new OutboxFullException(maxPending, pendingNow)));
                        continue;
                    }
                    long cseq = t.nextCseq++;
                    insertOp.setLong(1, cseq);
                    insertOp.setString(2, push.body());
                    insertOp.setLong(3, now);
                    insertOp.executeUpdate();
                    if (t.pending++ == 0) {
                        t.oldest = Optional.of(Instant.ofEpochMilli(now));
                    }
                    pushed.add(new PendingOp(cseq, push.body(), now));
                    String id = before.clientId() + ":" + cseq;
                    answers.add(() -> push.result().complete(new Pushed(cseq, id)));
                } else if (write instanceof Ingest ingest) {
                    statements.spoolTaken.setString(1, ingest.name());
                    boolean taken;
                    try (ResultSet r = statements.spoolTaken.executeQuery()) {
                        taken = r.next();
                    }
                    if (taken) {
                        answers.add(() -> ingest.result().complete(false));
                        continue;
                    }
                    if (t.pending >= maxPending) {
                        long pendingNow = t.pending;
                        answers.add(() -> ingest.result().completeExceptionally(new OutboxFullException(maxPending, pendingNow)));
                        continue;
                    }
                    long cseq = t.nextCseq++;
                    insertOp.setLong(1, cseq);
                    insertOp.setString(2, ingest.body());
                    insertOp.setLong(3, now);
                    insertOp.executeUpdate();
                    statements.takeSpool.setString(1, ingest.name());
                    statements.takeSpool.executeUpdate();
                    if (t.pending++ == 0) {
                        t.oldest = Optional.of(Instant.ofEpochMilli(now));
                    }
                    pushed.add(new PendingOp(cseq, ingest.body(), now));
                    answers.add(() -> ingest.result().complete(true));
                } else if (write instanceof Forget forget) {
                    for (String name : forget.names()) {
                        statements.forgetSpool.setString(1, name);
                        statements.forgetSpool.executeUpdate();
                    }
                    answers.add(() -> forget.result().complete(null));
                } else if (write instanceof Ack ack) {
                    acknowledge(t, deleteUpTo, ack.upTo());
                    answers.add(() -> ack.result().complete(null));
                } else if (write instanceof Welcome welcome) {
                    boolean newEpoch = t.epoch != null && !t.epoch.equals(welcome.epoch());
                    if (newEpoch) {
                        try (Statement s = writer.createStatement()) {
                            s.executeUpdate("DELETE FROM events");
                        }
                        t.lastSeq = 0;
                        appended.clear();
                    }
                    t.epoch = welcome.epoch();
                    acknowledge(t, deleteUpTo, welcome.applied());
                    answers.add(() -> welcome.result().complete(newEpoch));
                } else if (write instanceof Apply apply) {
                    for (Incoming e : apply.events()) {
                        if (e.seq() <= t.lastSeq) {
                            continue;
                        }
                        insertEvent.setLong(1, e.seq());
                        insertEvent.setString(2, e.client());
                        insertEvent.setLong(3, e.cseq());
                        insertEvent.setString(4, e.body());
                        insertEvent.executeUpdate();
                        t.lastSeq = e.seq();
                        appended.add(new LogEntry(e.seq(), e.client(), e.cseq(), e.body()));
                        if (e.client().equals(before.clientId())) {
                            deleteOne.setLong(1, e.cseq());
                            if (deleteOne.executeUpdate() > 0) {
                                t.pending--;
                                t.oldestChanged = true;
                            }
                            t.acked = Math.max(t.acked, e.cseq());
                        }
                    }
                    long lastSeq = t.lastSeq;
                    answers.add(() -> apply.result().complete(lastSeq));
                }
            }
            if (t.acked != before.acked() || t.lastSeq != before.lastSeq()
                    || !java.util.Objects.equals(t.epoch, before.epoch().orElse(null))) {
                PreparedStatement state = statements.updateState;
                state.setLong(1, t.nextCseq);
                state.setLong(2, t.acked);
                state.setLong(3, t.lastSeq);
                state.setString(4, t.epoch);
                state.executeUpdate();
            }
            writer.commit();
            commits.incrementAndGet();
            if (t.oldestChanged) {
                t.oldest = t.pending == 0 ? Optional.empty() : oldestPending(writer);
            }
        } catch (SQLException e) {
            rollback();
            StoreException failure = StoreException.of(e, file);
            log.error("a store write failed; nothing of it was kept: {}", failure.getMessage());
            for (Write write : batch) {
                fail(write, failure);
            }
            snapshot = withFailure(before, failure, failure.kind() == StoreException.Kind.CORRUPT);
            return;
        }
        snapshot = new StoreSnapshot(before.clientId(), t.nextCseq, t.acked, t.lastSeq, Optional.ofNullable(t.epoch),
                t.pending, t.oldest, Optional.empty(), Optional.empty());
        answers.forEach(Runnable::run);
        notifyListeners(pushed, appended);
    }

    private static void acknowledge(Tentative t, PreparedStatement deleteUpTo, long upTo) throws SQLException {
        if (upTo <= 0) {
            return;
        }
        deleteUpTo.setLong(1, upTo);
        int deleted = deleteUpTo.executeUpdate();
        if (deleted > 0) {
            t.pending -= deleted;
            t.oldestChanged = true;
        }
        t.acked = Math.max(t.acked, upTo);
    }

    private void notifyListeners(List<PendingOp> pushed, List<LogEntry> appended) {
        for (Listener listener : listeners) {
            try {
                if (!pushed.isEmpty()) {
                    listener.pushed(pushed);
                }
                if (!appended.isEmpty()) {
                    listener.applied(appended);
                }
            } catch (RuntimeException e) {
                log.warn("a store listener failed", e);
            }
        }
    }

    /** A damaged database stays refused; anything else is remembered until a write succeeds again. */
    private static StoreSnapshot withFailure(StoreSnapshot s, StoreException failure, boolean lasting) {
        return new StoreSnapshot(s.clientId(), s.nextCseq(), s.acked(), s.lastSeq(), s.epoch(), s.pending(),
                s.oldestPendingAt(), lasting ? Optional.of(failure) : s.failure(), Optional.of(failure));
    }

    /**
     * Undoes a failed batch. SQLite may already have rolled back (it does on a full disk), which leaves the
     * driver's transaction state behind; a fresh connection is the one state known to be right.
     */
    private void rollback() {
        try {
            writer.rollback();
        } catch (SQLException e) {
            log.debug("rollback: {}", e.getMessage());
        }
        statements = null;
        closeQuietly(writer);
        try {
            writer = connect(file);
            writer.setAutoCommit(false);
        } catch (SQLException e) {
            log.warn("cannot reopen the store after a failed write; the next write will try again: {}", e.getMessage());
        }
    }

    private static void fail(Write write, StoreException failure) {
        if (write instanceof Push p) {
            p.result().completeExceptionally(failure);
        } else if (write instanceof Ack a) {
            a.result().completeExceptionally(failure);
        } else if (write instanceof Welcome w) {
            w.result().completeExceptionally(failure);
        } else if (write instanceof Apply a) {
            a.result().completeExceptionally(failure);
        } else if (write instanceof Ingest i) {
            i.result().completeExceptionally(failure);
        } else if (write instanceof Forget f) {
            f.result().completeExceptionally(failure);
        }
    }

    /** Finishes the writes already queued, then closes the database. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (writer != null) {
            queue.add(new Stop());
            try {
                writerThread.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        readerThread.shutdown();
        try {
            readerThread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly(writer);
        closeQuietly(reader);
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                log.debug("closing a store connection: {}", e.getMessage());
            }
        }
    }
}
