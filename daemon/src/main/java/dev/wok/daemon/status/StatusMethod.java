package dev.wok.daemon.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wok.daemon.ipc.Call;
import dev.wok.daemon.ipc.MethodHandler;
import dev.wok.protocol.Json;
import dev.wok.protocol.ProtocolException;
import dev.wok.daemon.upstream.ConnectionSnapshot;
import dev.wok.daemon.upstream.SnapshotJson;
import java.time.Clock;
import java.time.Duration;
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
    private final Clock clock;
    private final String startedAt;

    public StatusMethod(DaemonInfo info, IntSupplier clients, Supplier<ProcessStats> stats,
                        Supplier<ConnectionSnapshot> connection, Clock clock) {
        this.connection = connection;
        this.info = info;
        this.clients = clients;
        this.stats = stats;
        this.clock = clock;
        this.startedAt = info.startedAt().toString();
    }

    @Override
    public CompletionStage<JsonNode> handle(Call call) throws ProtocolException {
        call.params().allowOnly();
        ProcessStats memory = stats.get();
        ObjectNode status = Json.object();
        SnapshotJson.write(connection.get(), clock.instant(), status);
        status.put("version", info.version());
        status.put("pid", info.pid());
        status.put("started_at", startedAt);
        status.put("uptime_ms", Duration.between(info.startedAt(), clock.instant()).toMillis());
        status.put("clients", clients.getAsInt());
        status.put("heap_used_bytes", memory.heapUsedBytes());
        status.put("heap_max_bytes", memory.heapMaxBytes());
        if (memory.rssBytes().isPresent()) {
            status.put("rss_bytes", memory.rssBytes().getAsLong());
        } else {
            status.putNull("rss_bytes");
        }
        status.put("socket", info.socket().toString());
        status.put("log", info.logFile().toString());
        status.put("transport", info.transport());
        return CompletableFuture.completedFuture(status);
    }
}
