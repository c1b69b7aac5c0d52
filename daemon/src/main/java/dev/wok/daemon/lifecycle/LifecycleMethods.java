package dev.wok.daemon.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wok.daemon.ipc.Call;
import dev.wok.daemon.status.DaemonInfo;
import dev.wok.protocol.Json;
import dev.wok.protocol.ProtocolException;
import dev.wok.protocol.WokVersion;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code hello}, {@code ping} and {@code shutdown}: the methods about the daemon itself. */
final class LifecycleMethods {
    private static final Logger log = LoggerFactory.getLogger(LifecycleMethods.class);

    private final DaemonInfo info;
    private final Runnable requestStop;

    LifecycleMethods(DaemonInfo info, Runnable requestStop) {
        this.info = info;
        this.requestStop = requestStop;
    }

    CompletionStage<JsonNode> hello(Call call) throws ProtocolException {
        var params = call.params().allowOnly("client", "version");
        String client = params.optionalString("client").orElse("unknown");
        String version = params.optionalString("version").orElse("unknown");
        log.debug("hello from {} {}", client, version);
        ObjectNode result = Json.object();
        result.put("version", info.version());
        result.put("protocol", WokVersion.PROTOCOL);
        result.put("pid", info.pid());
        result.put("started_at", info.startedAt().toString());
        return CompletableFuture.completedFuture(result);
    }

    CompletionStage<JsonNode> ping(Call call) throws ProtocolException {
        call.params().allowOnly();
        ObjectNode result = Json.object();
        result.put("pong", true);
        return CompletableFuture.completedFuture(result);
    }

    /** Answers first: the stop runs elsewhere and closes each client after what was written to it. */
    CompletionStage<JsonNode> shutdown(Call call) throws ProtocolException {
        call.params().allowOnly();
        log.info("shutdown requested over IPC");
        requestStop.run();
        ObjectNode result = Json.object();
        result.put("stopping", true);
        result.put("pid", info.pid());
        return CompletableFuture.completedFuture(result);
    }
}
