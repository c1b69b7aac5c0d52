package dev.wok.daemon.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wok.daemon.ipc.Call;
import dev.wok.daemon.ipc.MethodHandler;
import dev.wok.daemon.upstream.ConnectionSnapshot;
import dev.wok.protocol.ProtocolException;
import dev.wok.daemon.store.Store;
import dev.wok.daemon.store.StoreSnapshot;
import dev.wok.protocol.api.DaemonStatus;
import dev.wok.protocol.api.SyncStatus;
import java.util.OptionalLong;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/** {@code status}: answers from snapshots only, so it is as fast whatever the daemon is doing. */
public final class StatusMethod implements MethodHandler {
    private final DaemonInfo info;
    private final IntSupplier clients;
    private final Supplier<ProcessStats> stats;
    private final Supplier<ConnectionSnapshot> connection;
    private final Store store;
    private final Clock clock;
    private final String startedAt;

    public StatusMethod(DaemonInfo info, IntSupplier clients, Supplier<ProcessStats> stats,
                        Supplier<ConnectionSnapshot> connection, Store store, Clock clock) {
        this.info = info;
        this.store = store;
        this.clients = clients;
        this.stats = stats;
        this.connection = connection;
        this.clock = clock;
        this.startedAt = info.startedAt().toString();
    }

    @Override
    public CompletionStage<JsonNode> handle(Call call) throws ProtocolException {
        call.params().allowOnly();
        Instant now = clock.instant();
        ProcessStats memory = stats.get();
        StoreSnapshot s = store.snapshot();
        SyncStatus sync = new SyncStatus(s.clientId(), s.pending(),
                s.oldestPendingAt().map(at -> OptionalLong.of(Math.max(0, Duration.between(at, now).toMillis())))
                        .orElse(OptionalLong.empty()),
                s.acked(), s.lastSeq(), s.epoch(), store.file().toString(), s.problem().map(Throwable::getMessage));
        DaemonStatus status = new DaemonStatus(ConnectionStatuses.of(connection.get(), now), sync, info.version(), info.pid(),
                startedAt, Duration.between(info.startedAt(), now).toMillis(), clients.getAsInt(), memory.heapUsedBytes(),
                memory.heapMaxBytes(), memory.rssBytes(), info.socket().toString(), info.logFile().toString(),
                info.transport());
        return CompletableFuture.completedFuture(status.toJson());
    }
}
