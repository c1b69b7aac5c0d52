package dev.wok.protocol.message;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Everything that crosses the IPC socket, whatever the framing. Both framings carry the same JSON
 * members; the binary one also copies the id into its header.
 *
 * <p>Jackson trees are mutable, and a message does not copy the tree it is built from: building a message
 * hands the tree over. Whoever builds one builds its tree for it and does not touch that tree again
 * (the decoders, every method's answer and every event in wok do), and nobody modifies a node a message
 * returns (copy it first). Copying every request's params and every answer's result cost a full copy
 * of each tree on the daemon's hot path, for trees no one else held.
 */
public sealed interface Message permits Request, Response, ErrorReply, Event {
    /** The request id this message is or answers; JSON null when there is none. */
    JsonNode id();

    /** True for the message that ends a request's answer (a response or an error). */
    default boolean last() {
        return !(this instanceof Event) && !(this instanceof Request);
    }
}
