package dev.wok.daemon.ipc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wok.protocol.message.Request;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * A request being answered. Streaming methods send {@link #emit events} before their stage completes, and
 * stop when {@code clientGone} completes (the connection closed).
 */
public record Call(Request request, Consumer<ObjectNode> events, CompletionStage<Void> clientGone) {
    public void emit(ObjectNode event) {
        events.accept(event);
    }

    public Params params() {
        return new Params(request);
    }
}
