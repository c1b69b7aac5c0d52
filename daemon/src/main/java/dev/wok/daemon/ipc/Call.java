package dev.wok.daemon.ipc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wok.protocol.message.Request;
import java.util.function.Consumer;

/**
 * A request being answered. Streaming methods send {@link #emit events} before their stage completes.
 */
public record Call(Request request, Consumer<ObjectNode> events) {
    public void emit(ObjectNode event) {
        events.accept(event);
    }

    public Params params() {
        return new Params(request);
    }
}
