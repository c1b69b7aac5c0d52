package dev.wok.daemon.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wok.daemon.ipc.Call;
import dev.wok.daemon.upstream.ConnectionSnapshot;
import dev.wok.protocol.Json;
import dev.wok.protocol.ProtocolException;
import dev.wok.protocol.WokVersion;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code hello}, {@code ping}, {@code reload} and {@code shutdown}: the methods about the daemon itself. */
public final class LifecycleMethods {
    private static final Logger log = LoggerFactory.getLogger(LifecycleMethods.class);

    private final DaemonInfo info;
    private final Runnable requestStop;
    private final Supplier<CompletionStage<ConnectionSnapshot>> reload;
    private final Clock clock;

    /**
     * @param requestStop starts a graceful stop elsewhere and returns at once
     * @param reload reads config.toml again and applies it; fails with a {@code bad_config} ProtocolException
     */
    public LifecycleMethods(DaemonInfo info, Runnable requestStop, Supplier<CompletionStage<ConnectionSnapshot>> reload,
                            Clock clock) {
        this.info = info;
        this.requestStop = requestStop;
        this.reload = reload;
        this.clock = clock;
    }

    public CompletionStage<JsonNode> hello(Call call) throws ProtocolException {
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

    public CompletionStage<JsonNode> ping(Call call) throws ProtocolException {
        call.params().allowOnly();
        ObjectNode result = Json.object();
        result.put("pong", true);
        return CompletableFuture.completedFuture(result);
    }

    /** {@code reload}: what SIGHUP does, but the caller hears whether it worked. */
    public CompletionStage<JsonNode> reload(Call call) throws ProtocolException {
        call.params().allowOnly();
        return reload.get().thenApply(snapshot -> {
            ObjectNode result = Json.object();
            result.put("reloaded", info.configFile().toString());
            ConnectionStatuses.of(snapshot, clock.instant()).writeTo(result);
            return result;
        });
    }

    /** Answers first: the stop runs elsewhere and closes each client after what was written to it. */
    public CompletionStage<JsonNode> shutdown(Call call) throws ProtocolException {
        call.params().allowOnly();
        log.info("shutdown requested over IPC");
        requestStop.run();
        ObjectNode result = Json.object();
        result.put("stopping", true);
        result.put("pid", info.pid());
        return CompletableFuture.completedFuture(result);
    }
}
