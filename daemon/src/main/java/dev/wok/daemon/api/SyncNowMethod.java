package dev.wok.daemon.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wok.daemon.ipc.Call;
import dev.wok.daemon.ipc.MethodHandler;
import dev.wok.daemon.sync.SyncEngine;
import dev.wok.protocol.Json;
import dev.wok.protocol.ProtocolException;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * {@code sync-now {timeout_ms}}: connects at once if need be, then answers when every op pushed before the
 * call is acknowledged and the upstream's backlog up to its head at that moment is applied; streams
 * {@code progress} events meanwhile.
 */
public final class SyncNowMethod implements MethodHandler {
    static final long DEFAULT_TIMEOUT_MS = 30_000;
    static final long MAX_TIMEOUT_MS = Duration.ofHours(24).toMillis();

    private final SyncEngine sync;

    public SyncNowMethod(SyncEngine sync) {
        this.sync = sync;
    }

    @Override
    public CompletionStage<JsonNode> handle(Call call) throws ProtocolException {
        var params = call.params().allowOnly("timeout_ms");
        Duration timeout = Duration.ofMillis(params.optionalWhole("timeout_ms", 1, MAX_TIMEOUT_MS).orElse(DEFAULT_TIMEOUT_MS));
        JsonNode id = call.request().id();
        return sync.syncNow(timeout, progress -> {
            ObjectNode event = Json.object();
            event.put("kind", "progress");
            event.put("pending", progress.pending());
            event.put("acked", progress.acked());
            event.put("pulled", progress.pulled());
            call.emit(event);
        }).handle((result, failure) -> {
            if (failure != null) {
                throw Failures.toReply(failure, id);
            }
            ObjectNode done = Json.object();
            done.put("sent", result.sent());
            done.put("received", result.received());
            done.put("duration_ms", result.took().toMillis());
            return done;
        });
    }
}
