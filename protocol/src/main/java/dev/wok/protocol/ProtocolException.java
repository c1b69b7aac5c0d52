package dev.wok.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;

/** Input that breaks the wire format; carries the code to answer with and the request id if one was read. */
public final class ProtocolException extends Exception {
    private final ErrorCode code;
    private final transient JsonNode requestId;

    public ProtocolException(ErrorCode code, String message) {
        this(code, message, NullNode.getInstance());
    }

    public ProtocolException(ErrorCode code, String message, JsonNode requestId) {
        super(message);
        this.code = code;
        this.requestId = requestId == null ? NullNode.getInstance() : requestId;
    }

    public ErrorCode code() {
        return code;
    }

    /** The id of the request that failed, or JSON null when it could not be read. */
    public JsonNode requestId() {
        return requestId;
    }
}
