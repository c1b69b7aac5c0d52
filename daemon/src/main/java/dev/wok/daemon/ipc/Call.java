package dev.wok.daemon.ipc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wok.protocol.message.Request;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A request being answered. Streaming methods send {@link #emit events} before their stage completes, and
 * stop when {@link #clientGone()} completes (the connection closed).
 */
public record Call(Request request, Consumer<ObjectNode> events, Supplier<CompletionStage<Void>> goneSignal) {
    /** Completes when the client's connection closes; only streaming methods need it. */
    public CompletionStage<Void> clientGone() {
        return goneSignal.get();
    }

    public void emit(ObjectNode event) {
        events.accept(event);
    }

    public Params params() {
        return new Params(request);
    }
}
