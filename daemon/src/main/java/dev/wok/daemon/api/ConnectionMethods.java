package dev.wok.daemon.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wok.daemon.ipc.Call;
import dev.wok.daemon.upstream.ConnectionManager;
import dev.wok.daemon.upstream.ConnectionSnapshot;
import dev.wok.protocol.ErrorCode;
import dev.wok.protocol.Json;
import dev.wok.protocol.ProtocolException;
import dev.wok.protocol.api.ConnectionState;
import dev.wok.protocol.api.WatchEvents;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code connect}, {@code disconnect} and {@code watch}: messages to the connection manager. None blocks
 * an event loop; {@code connect} answers once the outcome is known or its wait is over.
 */
public final class ConnectionMethods {
    /** The longest a client may ask {@code connect} to wait for the outcome. */
    static final Duration MAX_WAIT = Duration.ofMinutes(5);

    private final ConnectionManager manager;
    private final Clock clock;

    public ConnectionMethods(ConnectionManager manager, Clock clock) {
        this.manager = manager;
        this.clock = clock;
    }

    /** {@code connect {wait_ms}}: connects now; answers with the state once it settles, or after wait_ms (default 0). */
    public CompletionStage<JsonNode> connect(Call call) throws ProtocolException {
        var params = call.params().allowOnly("wait_ms");
        Duration wait = Duration.ofMillis(params.optionalWhole("wait_ms", 0, MAX_WAIT.toMillis()).orElse(0));
        if (manager.snapshot().state() == ConnectionState.DISABLED) {
            throw new ProtocolException(ErrorCode.NO_UPSTREAM, "no upstream is configured: set [upstream] url in config.toml"
                    + " (or WOK_UPSTREAM_URL), then run: wokd reload", call.request().id());
        }
        return manager.connect(wait).thenApply(this::answer);
    }

    /** {@code disconnect}: answers once the connection is closed and retrying has stopped. */
    public CompletionStage<JsonNode> disconnect(Call call) throws ProtocolException {
        call.params().allowOnly();
        return manager.disconnect().thenApply(this::answer);
    }

    /**
     * Streams the current state, then each change, until the client goes away, or wokd stops: then a
     * {@code stopping} event, and the response.
     */
    public CompletionStage<JsonNode> watch(Call call) throws ProtocolException {
        call.params().allowOnly();
        CompletableFuture<JsonNode> done = new CompletableFuture<>();
        Runnable stop = manager.watch(new ConnectionManager.Watcher() {
            @Override
            public void changed(ConnectionSnapshot snapshot) {
                call.emit(WatchEvents.connection(ConnectionStatuses.of(snapshot, clock.instant())));
            }

            @Override
            public void ended() {
                call.emit(WatchEvents.stopping());
                ObjectNode result = Json.object();
                result.put("ended", WatchEvents.STOPPING);
                done.complete(result);
            }
        });
        call.clientGone().thenRun(stop);
        return done;
    }

    private JsonNode answer(ConnectionSnapshot snapshot) {
        ObjectNode result = Json.object();
        ConnectionStatuses.of(snapshot, clock.instant()).writeTo(result);
        return result;
    }
}
