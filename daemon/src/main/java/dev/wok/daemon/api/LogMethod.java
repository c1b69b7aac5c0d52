package dev.wok.daemon.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wok.daemon.ipc.Call;
import dev.wok.daemon.ipc.MethodHandler;
import dev.wok.daemon.store.LogEntry;
import dev.wok.daemon.store.PendingOp;
import dev.wok.daemon.store.Store;
import dev.wok.protocol.Json;
import dev.wok.protocol.ProtocolException;
import dev.wok.protocol.RawJson;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code log {since, limit, follow}}: streams the event log in server order (entries after {@code since},
 * at most {@code limit}), then this client's ops still pending; with {@code follow}, then every entry as
 * it is applied. Each reader is a cursor over the store: it reads a page, sends it, and reads the next
 * only once the last one is written to its socket, so a slow reader lags behind and catches up, and
 * the daemon never holds more than a page for it.
 */
public final class LogMethod implements MethodHandler, Store.Listener {
    static final int PAGE = 256;
    static final long DEFAULT_LIMIT = 1000;
    static final long MAX_LIMIT = 100_000_000;

    private final Store store;
    private final Set<Cursor> following = ConcurrentHashMap.newKeySet();

    public LogMethod(Store store) {
        this.store = store;
        store.listen(this);
    }

    @Override
    public CompletionStage<JsonNode> handle(Call call) throws ProtocolException {
        var params = call.params().allowOnly("since", "limit", "follow");
        long since = params.optionalWhole("since", 0, Long.MAX_VALUE).orElse(0);
        long limit = params.optionalWhole("limit", 1, MAX_LIMIT).orElse(DEFAULT_LIMIT);
        boolean follow = params.optionalBoolean("follow").orElse(false);
        Cursor cursor = new Cursor(call, since, limit, follow);
        call.clientGone().thenRun(cursor::stop);
        cursor.read();
        return cursor.done;
    }

    @Override
    public void applied(List<LogEntry> entries) {
        for (Cursor cursor : following) {
            cursor.wake(entries);
        }
    }

    private final class Cursor {
        final Call call;
        final boolean follow;
        final CompletableFuture<JsonNode> done = new CompletableFuture<>();
        long position;
        long backlogLeft;
        boolean inBacklog = true;
        boolean reading;
        boolean stopped;
        long latest;
        long entries;
        long pendingSent;

        Cursor(Call call, long since, long limit, boolean follow) {
            this.call = call;
            this.position = since;
            this.backlogLeft = limit;
            this.follow = follow;
        }

        synchronized void read() {
            if (stopped || reading) {
                return;
            }
            reading = true;
            int size = inBacklog ? (int) Math.min(PAGE, backlogLeft) : PAGE;
            store.events(position, size).whenComplete((page, failure) -> onPage(page, failure, size));
        }

        private void onPage(List<LogEntry> page, Throwable failure, int size) {
            if (failure != null) {
                finish(failure);
                return;
            }
            CompletionStage<Void> written = CompletableFuture.completedFuture(null);
            for (LogEntry entry : page) {
                written = call.emit(entry(entry));
            }
            synchronized (this) {
                entries += page.size();
                if (!page.isEmpty()) {
                    position = page.get(page.size() - 1).seq();
                }
                if (inBacklog) {
                    backlogLeft -= page.size();
                }
            }
            boolean more = page.size() == size && (!inBacklog || backlogLeft > 0);
            written.whenComplete((ok, error) -> {
                if (error != null) {
                    stop();
                    return;
                }
                synchronized (this) {
                    reading = false;
                }
                if (more) {
                    read();
                } else if (inBacklog) {
                    pending(0);
                } else {
                    caughtUp();
                }
            });
        }

        /** This client's ops still in the outbox, after the log, marked pending. */
        private void pending(long afterCseq) {
            store.pending(afterCseq, PAGE).whenComplete((ops, failure) -> {
                if (failure != null) {
                    finish(failure);
                    return;
                }
                CompletionStage<Void> written = CompletableFuture.completedFuture(null);
                String client = store.snapshot().clientId();
                for (PendingOp op : ops) {
                    written = call.emit(pendingEntry(client, op));
                }
                pendingSent += ops.size();
                written.whenComplete((ok, error) -> {
                    if (error != null) {
                        stop();
                    } else if (ops.size() == PAGE) {
                        pending(ops.get(ops.size() - 1).cseq());
                    } else {
                        backlogDone();
                    }
                });
            });
        }

        private void backlogDone() {
            synchronized (this) {
                inBacklog = false;
            }
            if (!follow) {
                finish(null);
                return;
            }
            following.add(this);
            caughtUp();
        }

        /** Nothing more to read now; read again if something was applied meanwhile. */
        private void caughtUp() {
            boolean again;
            synchronized (this) {
                again = latest > position || store.snapshot().lastSeq() > position;
            }
            if (again) {
                read();
            }
        }

        /**
         * New entries were applied. A follower that is caught up and idle gets them as they are, without a
         * read; one that is behind or busy reads them from the store when it gets there.
         */
        void wake(List<LogEntry> applied) {
            synchronized (this) {
                latest = Math.max(latest, applied.get(applied.size() - 1).seq());
                if (stopped || reading || inBacklog || latest <= position) {
                    return;
                }
                if (applied.get(0).seq() != position + 1) {
                    read();
                    return;
                }
                reading = true;
                position = applied.get(applied.size() - 1).seq();
                entries += applied.size();
            }
            CompletionStage<Void> written = CompletableFuture.completedFuture(null);
            for (LogEntry entry : applied) {
                written = call.emit(entry(entry));
            }
            written.whenComplete((ok, error) -> {
                if (error != null) {
                    stop();
                    return;
                }
                synchronized (this) {
                    reading = false;
                }
                caughtUp();
            });
        }

        void stop() {
            synchronized (this) {
                stopped = true;
            }
            following.remove(this);
        }

        private void finish(Throwable failure) {
            stop();
            if (failure != null) {
                done.completeExceptionally(Failures.toReply(failure, call.request().id()));
                return;
            }
            ObjectNode result = Json.object();
            result.put("entries", entries);
            result.put("pending", pendingSent);
            result.put("last_seq", position);
            done.complete(result);
        }
    }

    private static ObjectNode entry(LogEntry entry) {
        ObjectNode out = Json.object();
        out.put("seq", entry.seq());
        out.put("client", entry.client());
        out.put("cseq", entry.cseq());
        out.putRawValue(RawJson.BODY, RawJson.value(entry.body()));
        return out;
    }

    private static ObjectNode pendingEntry(String client, PendingOp op) {
        ObjectNode out = Json.object();
        out.putNull("seq");
        out.put("client", client);
        out.put("cseq", op.cseq());
        out.put("pending", true);
        out.put("pushed_at", java.time.Instant.ofEpochMilli(op.pushedAtMillis()).toString());
        out.putRawValue(RawJson.BODY, RawJson.value(op.body()));
        return out;
    }
}
