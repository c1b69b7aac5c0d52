package dev.wok.daemon.ipc;

import dev.wok.protocol.ErrorCode;
import dev.wok.protocol.message.ErrorReply;
import dev.wok.protocol.sniff.Framing;
import dev.wok.protocol.sniff.Sniffer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * The first handler of every connection: waits for enough bytes to tell the framing (they may arrive
 * split), asks {@code install} to add that framing's handlers, and removes itself so the bytes it held
 * flow on to them. A client that sends nothing for {@code timeout} is told so and closed.
 */
final class FramingSniffer extends ByteToMessageDecoder {
    private final Duration timeout;
    private final BiConsumer<ChannelHandlerContext, Framing> install;
    private ScheduledFuture<?> timer;

    FramingSniffer(Duration timeout, BiConsumer<ChannelHandlerContext, Framing> install) {
        this.timeout = timeout;
        this.install = install;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            startTimer(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        startTimer(ctx);
        super.channelActive(ctx);
    }

    private void startTimer(ChannelHandlerContext ctx) {
        if (timer == null) {
            timer = ctx.executor().schedule(() -> refuse(ctx, ErrorReply.of(null, ErrorCode.IDLE_TIMEOUT,
                    "nothing received within " + timeout.toMillis() + " ms of connecting; send a JSON line or a binary frame")),
                    timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        if (timer != null) {
            timer.cancel(false);
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int length = in.readableBytes();
        byte[] seen = ByteBufUtil.getBytes(in, in.readerIndex(), Math.min(length, Sniffer.MAX_LEADING_WHITESPACE), false);
        Sniffer.Verdict verdict = Sniffer.sniff(seen, 0, seen.length);
        if (verdict instanceof Sniffer.Decided decided) {
            install.accept(ctx, decided.framing());
            ctx.pipeline().remove(this);
        } else if (verdict instanceof Sniffer.Rejected rejected) {
            in.skipBytes(length);
            refuse(ctx, ErrorReply.of(null, ErrorCode.UNSUPPORTED_FRAMING, rejected.reason()));
        }
    }

    /** Before a framing is chosen the only shared language is a JSON line, so refusals are written as one. */
    private static void refuse(ChannelHandlerContext ctx, ErrorReply reply) {
        RefusedInputClose.after(ctx.writeAndFlush(ctx.alloc().buffer().writeBytes(dev.wok.protocol.jsonlines.JsonLines.encode(reply))));
    }
}
