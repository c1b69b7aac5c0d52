package dev.wok.daemon.ipc;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Ends a connection whose input wokd refused while the client may still be sending it (a line over the
 * limit, a request over the shared budget, bytes in no framing): once the answer saying why is written,
 * only wokd's side is shut, and what the client still sends is read and dropped, until it closes its side
 * too or {@link #LINGER} has passed. Closed at once, the client's next write fails with a broken pipe, and
 * a client that gives up at its failed write never reads why. Put first in the pipeline when the refusal
 * is written, so that nothing behind it sees another byte of that connection.
 */
final class RefusedInputClose extends ChannelInboundHandlerAdapter {
    static final Duration LINGER = Duration.ofSeconds(2);

    private ScheduledFuture<?> deadline;

    private RefusedInputClose() {}

    /** Closes the connection of {@code refusal} that way once the refusal is written (at once if it could not be). */
    static void after(ChannelFuture refusal) {
        refusal.addListener(written -> {
            Channel channel = refusal.channel();
            if (!written.isSuccess() || !(channel instanceof DuplexChannel duplex) || !duplex.isActive()
                    || duplex.isInputShutdown() || channel.pipeline().get(RefusedInputClose.class) != null) {
                channel.close();
                return;
            }
            channel.pipeline().addFirst("refused-input", new RefusedInputClose());
            channel.config().setAutoRead(true);
            duplex.shutdownOutput();
        });
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        deadline = ctx.executor().schedule(() -> ctx.close(), LINGER.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        // nothing was passed on
    }

    /** Whatever the other handlers would make of the writability of a shut output, reading goes on. */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        ctx.channel().config().setAutoRead(true);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof ChannelInputShutdownEvent) {
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        deadline.cancel(false);
        super.channelInactive(ctx);
    }
}
