package dev.wok.daemon.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wok.daemon.ipc.Call;
import dev.wok.protocol.Json;
import dev.wok.protocol.ProtocolException;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** {@code connect}, {@code disconnect} and {@code watch}: requests to the connector, never waits on it. */
public final class UpstreamMethods {
    private final Upstream upstream;
    private final Clock clock;

    public UpstreamMethods(Upstream upstream, Clock clock) {
        this.upstream = upstream;
        this.clock = clock;
    }

    public CompletionStage<JsonNode> connect(Call call) throws ProtocolException {
        call.params().allowOnly();
        upstream.connect();
        return answer("connect requested");
    }

    public CompletionStage<JsonNode> disconnect(Call call) throws ProtocolException {
        call.params().allowOnly();
        upstream.disconnect();
        return answer("disconnect requested");
    }

    /** Streams the current snapshot, then every change, until the client goes away or the daemon stops. */
    public CompletionStage<JsonNode> watch(Call call) throws ProtocolException {
        call.params().allowOnly();
        CompletableFuture<JsonNode> done = new CompletableFuture<>();
        upstream.scheduler().execute(() -> {
            call.emit(event(upstream.snapshot()));
            Runnable stop = upstream.watch(snapshot -> {
                call.emit(event(snapshot));
                if (snapshot.state() == ConnectionState.CLOSED) {
                    ObjectNode result = Json.object();
                    result.put("stopped", true);
                    done.complete(result);
                }
            });
            call.clientGone().thenRun(stop);
            done.whenComplete((r, e) -> stop.run());
        });
        return done;
    }

    private ObjectNode event(ConnectionSnapshot snapshot) {
        ObjectNode body = Json.object();
        SnapshotJson.write(snapshot, clock.instant(), body);
        return body;
    }

    private CompletionStage<JsonNode> answer(String what) {
        ObjectNode result = Json.object();
        result.put("requested", what);
        SnapshotJson.write(upstream.snapshot(), clock.instant(), result);
        return CompletableFuture.completedFuture(result);
    }
}
