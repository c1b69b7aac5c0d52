package dev.wok.daemon.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wok.daemon.ipc.Call;
import dev.wok.daemon.ipc.MethodHandler;
import dev.wok.daemon.store.Store;
import dev.wok.protocol.Json;
import dev.wok.protocol.ProtocolException;
import dev.wok.protocol.RawJson;
import java.util.concurrent.CompletionStage;

/**
 * {@code push {body}}: stores the op (any JSON object, kept as the exact text sent) in the outbox and
 * answers with its id once it is durable. The store's writer groups concurrent pushes into one commit.
 */
public final class PushMethod implements MethodHandler {
    /** The largest op body, in bytes of JSON text. */
    public static final int MAX_BODY_BYTES = 1 << 20;

    private final Store store;

    public PushMethod(Store store) {
        this.store = store;
    }

    @Override
    public CompletionStage<JsonNode> handle(Call call) throws ProtocolException {
        var params = call.params().allowOnly("body");
        JsonNode body = call.request().params().get(RawJson.BODY);
        if (body == null || body.isNull()) {
            throw params.invalid("it needs \"body\": the op, a JSON object, e.g. {\"method\":\"push\",\"params\":{\"body\":{\"text\":\"hi\"}}}");
        }
        if (!body.isPojo() && !body.isObject()) {
            throw params.invalid("\"body\" must be a JSON object, got " + body.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        }
        String text = RawJson.text(body).orElseThrow();
        long bytes = utf8Length(text);
        if (bytes > MAX_BODY_BYTES) {
            throw params.invalid("\"body\" is " + bytes + " bytes, over the limit of " + MAX_BODY_BYTES
                    + " bytes for one op; split it into several ops");
        }
        JsonNode id = call.request().id();
        return store.push(text).handle((pushed, failure) -> {
            if (failure != null) {
                throw Failures.toReply(failure, id);
            }
            ObjectNode result = Json.object();
            result.put("id", pushed.id());
            result.put("seq", pushed.cseq());
            return result;
        });
    }

    private static long utf8Length(String s) {
        long bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
