package dev.wok.daemon.ipc;

import dev.wok.protocol.ErrorCode;
import dev.wok.protocol.message.ErrorReply;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import java.time.Duration;

/**
 * Closes a connection that started a request and then sent nothing more for a while (the read-idle
 * events come from an IdleStateHandler in front of it): the bytes held for that half request would
 * otherwise stay held for as long as the client likes. An idle connection with nothing pending (a
 * watcher, a client between requests) is left alone.
 */
@ChannelHandler.Sharable
final class PartialRequestGuard extends ChannelInboundHandlerAdapter {
    private final Duration timeout;

    PartialRequestGuard(Duration timeout) {
        this.timeout = timeout;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof IdleStateEvent idle && idle.state() == IdleState.READER_IDLE) {
            if (holdsPartialRequest(ctx)) {
                ctx.fireExceptionCaught(new FatalInputException(ErrorReply.of(null, ErrorCode.IDLE_TIMEOUT,
                        "a request was left unfinished for " + timeout.toSeconds() + " s; send whole requests"
                                + " (a JSON line ends with a newline; a frame carries all the bytes its header announces)")));
            }
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    private static boolean holdsPartialRequest(ChannelHandlerContext ctx) {
        for (var entry : ctx.pipeline()) {
            if (entry.getValue() instanceof HoldsPartialRequest framer) {
                return framer.holdsPartialRequest();
            }
        }
        return false;
    }
}
