package dev.wok.daemon.store;

import java.time.Instant;
import java.util.Optional;

/**
 * What the store holds, as of its last commit: read by {@code status} and the connector's hello at once,
 * from any thread, without touching the database.
 *
 * @param nextCseq the client seq the next push gets
 * @param acked the highest client seq the upstream has acknowledged
 * @param lastSeq the last server seq applied to the event log
 * @param epoch the upstream store's epoch those seqs belong to; empty before the first welcome
 * @param oldestPendingAt when the oldest op still in the outbox was pushed
 * @param failure why the store is unusable, when it is (then every write is refused with it)
 * @param lastWriteFailure why the last write failed (a full disk, say), until a write succeeds again
 */
public record StoreSnapshot(String clientId, long nextCseq, long acked, long lastSeq, Optional<String> epoch,
                            long pending, Optional<Instant> oldestPendingAt, Optional<StoreException> failure,
                            Optional<StoreException> lastWriteFailure) {
    /** What is wrong with the store now, if anything: for status. */
    public Optional<StoreException> problem() {
        return failure.isPresent() ? failure : lastWriteFailure;
    }
}
