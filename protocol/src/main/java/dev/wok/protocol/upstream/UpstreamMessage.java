package dev.wok.protocol.upstream;

/**
 * The daemon ↔ relay protocol (docs/ARCHITECTURE.md, "Wire formats"): one JSON object per WebSocket text
 * frame, told apart by {@code type}. Op bodies travel as their exact JSON text ({@link dev.wok.protocol.RawJson}).
 */
public sealed interface UpstreamMessage {
    /** The upstream protocol this build speaks; a relay refuses others with close 4002. */
    int PROTOCOL = 1;

    /**
     * client → server, first: who I am, the highest client seq the server acked, the last server seq I
     * applied, the epoch those belong to (null before the first welcome), my version and protocol.
     */
    record Hello(String client, long acked, long since, String epoch, String version, int protocol) implements UpstreamMessage {
        public Hello(String client, long acked, long since, String epoch, String version) {
            this(client, acked, since, epoch, version, PROTOCOL);
        }
    }

    /** server → client: the store's epoch, the highest client seq stored for this client, the head. */
    record Welcome(String epoch, long applied, long head) implements UpstreamMessage {}

    /** client → server: one op, in client-seq order. */
    record Op(long seq, String body) implements UpstreamMessage {}

    /** server → client: every op with client seq ≤ upTo is stored. */
    record Ack(long upTo) implements UpstreamMessage {}

    /** server → client: an op in the server's total order. */
    record Event(long seq, String client, long cseq, String body) implements UpstreamMessage {}

    /** client → server: tell me your head, after every event up to it. */
    record Sync(long id) implements UpstreamMessage {}

    /** server → client: the answer to {@link Sync}; every event with seq ≤ head was sent before it. */
    record Synced(long id, long head) implements UpstreamMessage {}

    /** server → client: a refusal, just before a close. */
    record Error(String code, String message) implements UpstreamMessage {}
}
