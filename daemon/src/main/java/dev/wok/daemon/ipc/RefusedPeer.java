package dev.wok.daemon.ipc;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;

/**
 * A client that may not be served gets its refusal, and the refusal must reach it: closing a Unix socket
 * with the client's request still unread makes the kernel reset the connection, and the client then
 * reads "connection reset" instead of the reason. So the refusal is written, our side of the connection
 * shut, and whatever the client sends read and thrown away until it closes (or {@link #LINGER_SECONDS}).
 */
final class RefusedPeer extends ChannelInboundHandlerAdapter {
    static final long LINGER_SECONDS = 5;

    static void refuse(Channel channel, ByteBuf refusal) {
        channel.pipeline().addLast("refused", new RefusedPeer());
        channel.writeAndFlush(refusal).addListener((ChannelFutureListener) written -> {
            if (written.isSuccess() && channel instanceof DuplexChannel duplex) {
                duplex.shutdownOutput();
            } else {
                channel.close();
            }
        });
        channel.eventLoop().schedule(() -> {
            channel.close();
        }, LINGER_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg);
    }
}
