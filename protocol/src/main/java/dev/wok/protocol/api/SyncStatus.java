package dev.wok.protocol.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The sync fields of {@code status}: the outbox, the event log, the cursor, and whether the store works.
 *
 * @param pending ops pushed here and not yet acknowledged by the upstream
 * @param oldestPendingAgeMs how long the oldest of them has waited
 * @param lastAckedCseq the highest client seq the upstream acknowledged
 * @param lastServerSeq the last server seq applied to the event log
 * @param epoch the upstream store's epoch those seqs belong to
 * @param storeError why the store refuses writes, when it does
 */
public record SyncStatus(String clientId, long pending, OptionalLong oldestPendingAgeMs, long lastAckedCseq,
                         long lastServerSeq, Optional<String> epoch, String store, Optional<String> storeError) {

    public void writeTo(ObjectNode out) {
        out.put("client_id", clientId);
        out.put("pending", pending);
        Fields.put(out, "oldest_pending_age_ms", oldestPendingAgeMs);
        out.put("last_acked_cseq", lastAckedCseq);
        out.put("last_server_seq", lastServerSeq);
        Fields.put(out, "epoch", epoch);
        out.put("store", store);
        Fields.put(out, "store_error", storeError);
    }

    public static SyncStatus readFrom(FieldSource in) {
        return new SyncStatus(in.text("client_id", "?"), in.whole("pending", 0), in.whole("oldest_pending_age_ms"),
                in.whole("last_acked_cseq", 0), in.whole("last_server_seq", 0), in.text("epoch"), in.text("store", ""),
                in.text("store_error"));
    }
}
