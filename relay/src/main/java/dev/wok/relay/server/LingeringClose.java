package dev.wok.relay.server;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection the way a server must when the client may still be sending: what was written
 * (a close frame saying why) goes out, then only our side is shut, and what the client still sends is
 * read and dropped until it closes too, or {@link #LINGER} has passed. Closing at once with unread
 * input makes the kernel answer with a reset, which can destroy the close frame before the client
 * reads it: a client sending a message over the limit saw "connection reset" instead of 1009.
 * First in the pipeline, so that every close any handler asks for comes through here.
 */
final class LingeringClose extends ChannelDuplexHandler {
    static final Duration LINGER = Duration.ofSeconds(2);

    private ChannelPromise closing;
    private ScheduledFuture<?> deadline;

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        if (closing != null || !(ctx.channel() instanceof SocketChannel socket) || !socket.isActive()
                || socket.isInputShutdown()) {
            ctx.close(promise);
            return;
        }
        closing = promise;
        socket.config().setAutoRead(true);
        ctx.flush();
        socket.shutdownOutput();
        deadline = ctx.executor().schedule(() -> ctx.close(promise), LINGER.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closing != null) {
            ReferenceCountUtil.release(msg);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (closing != null && event instanceof ChannelInputShutdownEvent) {
            deadline.cancel(false);
            ctx.close(closing);
            return;
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (closing != null) {
            deadline.cancel(false);
            closing.trySuccess();
        }
        super.channelInactive(ctx);
    }
}
