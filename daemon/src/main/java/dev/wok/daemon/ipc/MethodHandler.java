package dev.wok.daemon.ipc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wok.protocol.ProtocolException;
import java.util.concurrent.CompletionStage;

/**
 * One IPC method. Runs on an event loop, so it must not block: anything slow returns an incomplete
 * stage and completes it from elsewhere. Throwing {@link ProtocolException} answers with its code.
 */
@FunctionalInterface
public interface MethodHandler {
    CompletionStage<JsonNode> handle(Call call) throws ProtocolException;
}
