package dev.wok.daemon.ipc;

import dev.wok.protocol.ErrorCode;
import dev.wok.protocol.message.ErrorReply;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends a connection whose input cannot be trusted any more, telling the client why in its own framing;
 * a client that vanished mid-message is just closed. Nothing here reaches other connections.
 */
@ChannelHandler.Sharable
final class InputErrorHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(InputErrorHandler.class);

    private final int maxLineBytes;

    InputErrorHandler(int maxLineBytes) {
        this.maxLineBytes = maxLineBytes;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        ErrorReply reply;
        if (root instanceof FatalInputException fatal) {
            reply = fatal.reply();
        } else if (root instanceof TooLongFrameException) {
            reply = ErrorReply.of(null, ErrorCode.MESSAGE_TOO_LARGE,
                    "line longer than the maximum of " + maxLineBytes + " bytes; the connection is closed");
        } else if (root instanceof IOException) {
            log.debug("client connection failed: {}", root.toString());
            ctx.close();
            return;
        } else {
            log.warn("closing a client connection after an unexpected error", root);
            reply = ErrorReply.of(null, ErrorCode.INTERNAL_ERROR, "internal error: " + root);
        }
        log.debug("closing client connection: {}", reply.message());
        if (ctx.channel().isActive()) {
            RefusedInputClose.after(ctx.writeAndFlush(reply));
        }
    }
}
