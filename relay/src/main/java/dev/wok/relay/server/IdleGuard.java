package dev.wok.relay.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import dev.wok.protocol.upstream.CloseCodes;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps quiet connections alive and ends dead ones. It works with an {@link IdleStateHandler} at the very
 * front of the pipeline (see {@link #idleHandler}), so every byte read counts: frames, pings, pongs. After
 * half the limit with nothing read, the relay pings (a client's WebSocket stack answers with a pong, whatever
 * its own heartbeat interval); only a connection that sends nothing at all for the whole limit is closed.
 */
final class IdleGuard extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(IdleGuard.class);

    private final Duration limit;
    private boolean upgraded;

    IdleGuard(Duration limit) {
        this.limit = limit;
    }

    /** The handler to put first in the pipeline: fires after half the limit with nothing read. */
    static IdleStateHandler idleHandler(Duration limit) {
        return new IdleStateHandler(Math.max(1, limit.toMillis() / 2), 0, 0, TimeUnit.MILLISECONDS);
    }

    /** The WebSocket upgrade is done: pings can be sent from now on. */
    void upgraded() {
        upgraded = true;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof IdleStateEvent idle && idle.state() == IdleState.READER_IDLE) {
            if (idle.isFirst() && upgraded) {
                ctx.writeAndFlush(new PingWebSocketFrame(Unpooled.EMPTY_BUFFER));
            } else {
                log.info("closing a connection that sent nothing, not even a pong, for {} ms", limit.toMillis());
                if (upgraded) {
                    ctx.writeAndFlush(new CloseWebSocketFrame(CloseCodes.GOING_AWAY, "idle")).addListener(ChannelFutureListener.CLOSE);
                } else {
                    ctx.close();
                }
            }
            return;
        }
        super.userEventTriggered(ctx, event);
    }
}
