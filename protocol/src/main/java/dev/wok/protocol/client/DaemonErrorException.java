package dev.wok.protocol.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wok.protocol.ErrorCode;
import dev.wok.protocol.message.ErrorReply;
import java.util.Optional;

/** The daemon answered a call with an error. */
public final class DaemonErrorException extends Exception {
    private final transient ErrorReply reply;

    public DaemonErrorException(ErrorReply reply) {
        super(reply.message());
        this.reply = reply;
    }

    public int code() {
        return reply.code();
    }

    public Optional<ErrorCode> errorCode() {
        return reply.errorCode();
    }

    public ObjectNode data() {
        return reply.data();
    }
}
