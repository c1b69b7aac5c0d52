package dev.wok.protocol.upstream;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The daemon ↔ relay protocol (docs/ARCHITECTURE.md, "Wire formats"): one JSON object per WebSocket text frame, told apart by
 * {@code type}. Bodies are copied in and must be treated as read-only when read back.
 */
public sealed interface UpstreamMessage {
    /** client → server, first: who I am, what the server acked and what I have seen. */
    record Hello(String client, long acked, long since, String epoch, String version) implements UpstreamMessage {}

    /** server → client: the store's epoch, the highest client seq stored for this client, the head. */
    record Welcome(String epoch, long applied, long head) implements UpstreamMessage {}

    /** client → server: one op, in order. */
    record Op(long seq, ObjectNode body) implements UpstreamMessage {
        public Op {
            body = body.deepCopy();
        }
    }

    /** server → client: every op with client seq ≤ upTo is stored. */
    record Ack(long upTo) implements UpstreamMessage {}

    /** server → client: an op in the server's total order. */
    record Event(long seq, String client, long cseq, ObjectNode body) implements UpstreamMessage {
        public Event {
            body = body.deepCopy();
        }
    }

    /** server → client: a refusal, just before a close. */
    record Error(String code, String message) implements UpstreamMessage {}
}
