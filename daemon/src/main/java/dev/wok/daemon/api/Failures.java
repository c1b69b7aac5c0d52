package dev.wok.daemon.api;

import dev.wok.daemon.store.OutboxFullException;
import dev.wok.daemon.store.StoreException;
import dev.wok.daemon.sync.SyncEngine;
import dev.wok.protocol.ErrorCode;
import dev.wok.protocol.ProtocolException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.CompletionException;

/** Turns what the store and the sync engine fail with into the error a client gets, with its stable code. */
final class Failures {
    private Failures() {}

    static CompletionException toReply(Throwable failure, JsonNode requestId) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        ProtocolException reply;
        if (cause instanceof ProtocolException p) {
            reply = p;
        } else if (cause instanceof OutboxFullException full) {
            reply = new ProtocolException(ErrorCode.OUTBOX_FULL, full.getMessage(), requestId);
        } else if (cause instanceof StoreException store) {
            reply = new ProtocolException(ErrorCode.STORE_UNAVAILABLE, store.getMessage(), requestId);
        } else if (cause instanceof SyncEngine.SyncFailed sync) {
            ErrorCode code = switch (sync.kind()) {
                case TIMEOUT -> ErrorCode.TIMEOUT;
                case NO_UPSTREAM -> ErrorCode.NO_UPSTREAM;
                case NOT_CONNECTED -> ErrorCode.NOT_CONNECTED;
                case STORE -> ErrorCode.STORE_UNAVAILABLE;
            };
            reply = new ProtocolException(code, sync.getMessage(), requestId);
        } else {
            return cause instanceof RuntimeException r ? new CompletionException(r) : new CompletionException(cause);
        }
        return new CompletionException(reply);
    }
}
