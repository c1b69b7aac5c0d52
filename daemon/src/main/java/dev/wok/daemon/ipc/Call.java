package dev.wok.daemon.ipc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wok.protocol.message.Request;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A request being answered. Streaming methods send {@link #emit events} before their stage completes, and
 * stop when {@link #clientGone()} completes (the connection closed).
 */
public record Call(Request request, Function<ObjectNode, CompletionStage<Void>> events,
                   Supplier<CompletionStage<Void>> goneSignal) {
    /** Completes when the client's connection closes; only streaming methods need it. */
    public CompletionStage<Void> clientGone() {
        return goneSignal.get();
    }

    /**
     * Sends one event. The stage completes once it is written to the socket, so a stream that waits for it
     * before sending more goes no faster than its client reads, and buffers nothing on its behalf.
     */
    public CompletionStage<Void> emit(ObjectNode event) {
        return events.apply(event);
    }

    public Params params() {
        return new Params(request);
    }
}
