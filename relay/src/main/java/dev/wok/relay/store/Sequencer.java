package dev.wok.relay.store;

import dev.wok.protocol.upstream.CloseCodes;
import dev.wok.protocol.upstream.UpstreamCodec;
import dev.wok.protocol.upstream.UpstreamMessage;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that owns the store and the set of subscribers. Ops from every connection queue here;
 * each run of queued ops is stored in one transaction (group commit), then acked and fanned out, in seq
 * order, to every subscribed connection. A hello is answered here too: welcome, then the backlog, then
 * the connection joins the fan-out, all on this thread, so no event is missed or sent twice.
 */
public final class Sequencer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Sequencer.class);
    private static final int BATCH = 1000;

    /** A connection, as the sequencer sees it. Implementations must not block. */
    public interface Peer {
        void sendText(String text);

        void close(int code, String reason);

        /** One of its ops has been taken off the queue (stored, acked, or dropped). */
        default void opDone(UpstreamMessage.Op op) {}
    }

    private sealed interface Task {}

    private record HelloTask(Peer peer, UpstreamMessage.Hello hello) implements Task {}

    private record OpTask(Peer peer, UpstreamMessage.Op op) implements Task {}

    private record SyncTask(Peer peer, UpstreamMessage.Sync sync) implements Task {}

    private record LeaveTask(Peer peer) implements Task {}

    private record StopTask() implements Task {}

    private final RelayStore store;
    private final BlockingQueue<Task> queue = new LinkedBlockingQueue<>();
    private final Map<Peer, String> clients = new HashMap<>();
    private final Set<Peer> subscribers = new LinkedHashSet<>();
    private final Map<String, Long> applied = new HashMap<>();
    private final Thread thread;

    public Sequencer(RelayStore store) {
        this.store = store;
        this.thread = new Thread(this::loop, "relay-sequencer");
        this.thread.start();
    }

    public String epoch() {
        return store.epoch();
    }

    public void hello(Peer peer, UpstreamMessage.Hello hello) {
        queue.add(new HelloTask(peer, hello));
    }

    public void op(Peer peer, UpstreamMessage.Op op) {
        queue.add(new OpTask(peer, op));
    }

    /** Answers with the head once everything queued before it is stored and sent. */
    public void sync(Peer peer, UpstreamMessage.Sync sync) {
        queue.add(new SyncTask(peer, sync));
    }

    public void leave(Peer peer) {
        queue.add(new LeaveTask(peer));
    }

    private void loop() {
        List<Task> tasks = new ArrayList<>();
        try {
            while (true) {
                tasks.clear();
                tasks.add(queue.take());
                queue.drainTo(tasks, BATCH - 1);
                try {
                    if (!run(tasks)) {
                        return;
                    }
                } catch (SQLException e) {
                    storeFailed(tasks, e);
                    if (tasks.stream().anyMatch(StopTask.class::isInstance)) {
                        return;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The store could not take this run (a full disk, say). Nothing of it was stored or acked, so the
     * clients in it are told why and disconnected; they send their ops again when they come back, and
     * the next run tries the store again: the relay recovers as soon as the store does.
     */
    private void storeFailed(List<Task> tasks, SQLException e) {
        log.error("the store failed: {}; {} clients told to send again later", e.getMessage(), peersOf(tasks).size());
        String message = "the relay could not store ops: " + e.getMessage() + "; send them again later";
        for (Peer peer : peersOf(tasks)) {
            peer.sendText(UpstreamCodec.encode(new UpstreamMessage.Error("store_unavailable", message)));
            peer.close(CloseCodes.INTERNAL_ERROR, "store failure");
            clients.remove(peer);
            subscribers.remove(peer);
        }
    }

    private static java.util.Set<Peer> peersOf(List<Task> tasks) {
        java.util.Set<Peer> peers = new java.util.LinkedHashSet<>();
        for (Task task : tasks) {
            if (task instanceof HelloTask h) {
                peers.add(h.peer());
            } else if (task instanceof OpTask o) {
                peers.add(o.peer());
            } else if (task instanceof SyncTask t) {
                peers.add(t.peer());
            }
        }
        return peers;
    }

    /** Runs one batch of tasks; false once told to stop. */
    private boolean run(List<Task> tasks) throws SQLException {
        List<OpTask> ops = new ArrayList<>();
        for (Task task : tasks) {
            if (task instanceof OpTask op) {
                ops.add(op);
                continue;
            }
            commit(ops);
            ops.clear();
            if (task instanceof HelloTask h) {
                welcome(h.peer(), h.hello());
            } else if (task instanceof SyncTask t) {
                if (clients.containsKey(t.peer())) {
                    t.peer().sendText(UpstreamCodec.encode(new UpstreamMessage.Synced(t.sync().id(), store.head())));
                }
            } else if (task instanceof LeaveTask l) {
                clients.remove(l.peer());
                subscribers.remove(l.peer());
            } else if (task instanceof StopTask) {
                return false;
            }
        }
        commit(ops);
        return true;
    }

    private void welcome(Peer peer, UpstreamMessage.Hello hello) throws SQLException {
        if (hello.protocol() != UpstreamMessage.PROTOCOL) {
            String message = "protocol " + hello.protocol() + " is not supported; this relay speaks protocol "
                    + UpstreamMessage.PROTOCOL + " (client " + hello.client() + ", version " + hello.version() + ")";
            log.warn("refusing a client: {}", message);
            peer.sendText(UpstreamCodec.encode(new UpstreamMessage.Error("unsupported_version", message)));
            peer.close(CloseCodes.UNSUPPORTED_VERSION, "unsupported protocol " + hello.protocol());
            return;
        }
        String client = hello.client();
        clients.put(peer, client);
        long stored = appliedFor(client);
        peer.sendText(UpstreamCodec.encode(new UpstreamMessage.Welcome(store.epoch(), stored, store.head())));
        boolean sameStore = hello.epoch() == null || hello.epoch().equals(store.epoch());
        long since = sameStore ? hello.since() : 0;
        while (true) {
            List<StoredOp> page = store.since(since, BATCH);
            for (StoredOp op : page) {
                peer.sendText(event(op));
                since = op.seq();
            }
            if (page.size() < BATCH) {
                break;
            }
        }
        subscribers.add(peer);
    }

    private void commit(List<OpTask> ops) throws SQLException {
        if (ops.isEmpty()) {
            return;
        }
        List<RelayStore.Incoming> batch = new ArrayList<>();
        Map<Peer, Long> acks = new HashMap<>();
        Map<String, Long> pending = new HashMap<>();
        for (OpTask task : ops) {
            task.peer().opDone(task.op());
            String client = clients.get(task.peer());
            if (client == null) {
                continue; // its connection already failed or left
            }
            long highest = pending.containsKey(client) ? pending.get(client) : appliedFor(client);
            long cseq = task.op().seq();
            if (highest == 0 && cseq > 1) {
                // Nothing stored for this client: its earlier ops were acked by a store this one replaced
                // (a new epoch). Its outbox holds only what is left, so that is where it starts here.
                highest = cseq - 1;
            }
            if (cseq > highest + 1) {
                fail(task.peer(), "gap: op " + cseq + " arrived but the next expected is " + (highest + 1));
                continue;
            }
            if (cseq == highest + 1) {
                batch.add(new RelayStore.Incoming(client, cseq, task.op().body()));
                pending.put(client, cseq);
            }
            acks.merge(task.peer(), cseq, Math::max);
        }
        List<StoredOp> stored = store.append(batch);
        applied.putAll(pending);
        acks.forEach((peer, upTo) -> {
            if (clients.containsKey(peer)) {
                peer.sendText(UpstreamCodec.encode(new UpstreamMessage.Ack(upTo)));
            }
        });
        for (StoredOp op : stored) {
            String text = event(op);
            subscribers.forEach(p -> p.sendText(text));
        }
    }

    private void fail(Peer peer, String message) {
        log.warn("protocol violation from {}: {}", clients.get(peer), message);
        peer.sendText(UpstreamCodec.encode(new UpstreamMessage.Error("protocol_violation", message)));
        peer.close(CloseCodes.PROTOCOL_VIOLATION, message);
        clients.remove(peer);
        subscribers.remove(peer);
    }

    private long appliedFor(String client) throws SQLException {
        Long known = applied.get(client);
        if (known == null) {
            known = store.applied(client);
            applied.put(client, known);
        }
        return known;
    }

    private static String event(StoredOp op) {
        return UpstreamCodec.encode(new UpstreamMessage.Event(op.seq(), op.client(), op.cseq(), op.body()));
    }

    /** Finishes what is queued, then stops the thread. */
    @Override
    public void close() throws InterruptedException {
        queue.add(new StopTask());
        thread.join();
    }
}
