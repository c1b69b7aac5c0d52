package dev.wok.protocol.message;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Everything that crosses the IPC socket, whatever the framing. Both framings carry the same JSON
 * members; the binary one also copies the id into its header.
 *
 * <p>Jackson trees are mutable, so each message copies the tree it is built from and hands out that
 * copy read-only: never modify a node a message returns (copy it first). Copying once on the way in,
 * not on every read, keeps the per-request cost low on the daemon's hot path.
 */
public sealed interface Message permits Request, Response, ErrorReply, Event {
    /** The request id this message is or answers; JSON null when there is none. */
    JsonNode id();

    /** True for the message that ends a request's answer (a response or an error). */
    default boolean last() {
        return !(this instanceof Event) && !(this instanceof Request);
    }
}
