package dev.wok.daemon.ipc;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LineBasedFrameDecoder;

/**
 * Netty's line splitter, which also says whether it holds an unfinished line, and counts what it holds
 * between reads against the bytes all clients together may leave unfinished ({@link RequestBuffers}).
 */
final class JsonLineFramer extends LineBasedFrameDecoder implements HoldsPartialRequest {
    private final HeldBytes held;
    private boolean refused;

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
        if (refused) {
            io.netty.util.ReferenceCountUtil.release(msg);
            return;
        }
        super.channelRead(ctx, msg);
        dev.wok.protocol.message.ErrorReply refusal = held.update(internalBuffer().readableBytes());
        if (refusal != null) {
            refused = true;
            internalBuffer().skipBytes(internalBuffer().readableBytes());
            ctx.channel().config().setAutoRead(false);
            ctx.fireExceptionCaught(new FatalInputException(refusal));
        }
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        held.release();
    }
}
