package dev.wok.daemon.ipc;

import dev.wok.protocol.ErrorCode;
import dev.wok.protocol.message.ErrorReply;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.ReferenceCountUtil;

/**
 * One framing decoder's share of {@link RequestBuffers}: what it held after its last read. Belongs to
 * one connection, so it is only used on that connection's event loop.
 */
final class HeldBytes {
    private final RequestBuffers buffers;
    private long held;
    private boolean refused;

    HeldBytes(RequestBuffers buffers) {
        this.buffers = buffers;
    }

    /** True, having released it, for input that arrives after this connection's request was refused. */
    boolean dropping(Object msg) {
        if (refused) {
            ReferenceCountUtil.release(msg);
        }
        return refused;
    }

    /**
     * After the decoder's read: counts what {@code internal} (its cumulation) still holds; when that does
     * not fit, drops it, stops reading and has the connection answered and closed.
     */
    void afterRead(ChannelHandlerContext ctx, ByteBuf internal) {
        ErrorReply refusal = update(internal.readableBytes());
        if (refusal != null) {
            refused = true;
            internal.skipBytes(internal.readableBytes());
            ctx.channel().config().setAutoRead(false);
            ctx.fireExceptionCaught(new FatalInputException(refusal));
        }
    }

    /**
     * Records that the decoder now holds {@code now} bytes; when they do not fit, the error to close with,
     * having given back everything this connection held (the decoder drops it).
     */
    ErrorReply update(long now) {
        boolean fits = buffers.update(held, now);
        held = fits ? now : 0;
        if (fits) {
            return null;
        }
        return ErrorReply.of(null, ErrorCode.MESSAGE_TOO_LARGE, "wokd is holding " + (buffers.held() >> 20)
                + " MiB of other clients' unfinished requests, and this one (" + (now >> 10) + " KiB so far) does not fit"
                + " in its " + (buffers.limit() >> 20) + " MiB for all clients; send it again later, or in smaller requests");
    }

    void release() {
        buffers.update(held, 0);
        held = 0;
    }
}
