package dev.wok.daemon.ipc;

import dev.wok.protocol.message.ErrorReply;

/** Input after which the connection cannot be trusted: the reply is sent, then the connection closed. */
final class FatalInputException extends Exception {
    private final transient ErrorReply reply;

    FatalInputException(ErrorReply reply) {
        super(reply.message(), null, false, false);
        this.reply = reply;
    }

    ErrorReply reply() {
        return reply;
    }
}
