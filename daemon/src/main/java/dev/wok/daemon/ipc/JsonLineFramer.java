package dev.wok.daemon.ipc;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LineBasedFrameDecoder;

/**
 * Netty's line splitter, which also says whether it holds an unfinished line, and counts what it holds
 * between reads against the bytes all clients together may leave unfinished ({@link RequestBuffers}).
 */
final class JsonLineFramer extends LineBasedFrameDecoder implements HoldsPartialRequest {
    private final HeldBytes held;

    JsonLineFramer(int maxLineBytes, RequestBuffers buffers) {
        super(maxLineBytes, true, true);
        this.held = new HeldBytes(buffers);
    }

    @Override
    public boolean holdsPartialRequest() {
        return internalBuffer().isReadable();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (held.dropping(msg)) {
            return;
        }
        super.channelRead(ctx, msg);
        held.afterRead(ctx, internalBuffer());
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        held.release();
    }
}
