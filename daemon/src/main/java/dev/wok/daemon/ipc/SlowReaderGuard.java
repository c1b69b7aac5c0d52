package dev.wok.daemon.ipc;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds what wokd holds for a client that does not read its answers. While the client's outbound
 * buffer is over its high-water mark, its requests are not read either (auto-read off), so a client
 * that pipelines requests and never reads the answers slows itself down and nobody else. One that stays
 * so for {@code stallTimeout}, or lets more than {@code maxPendingBytes} pile up (the events of a watch
 * it no longer reads), is disconnected, with one log line; so is one whose backlog takes the backlogs of
 * all such clients together past {@link UnreadAnswers}' limit.
 */
final class SlowReaderGuard extends ChannelDuplexHandler {
    private static final Logger log = LoggerFactory.getLogger(SlowReaderGuard.class);

    private final Duration stallTimeout;
    private final long maxPendingBytes;
    private final UnreadAnswers unread;
    /** This client's backlog as last counted in {@link #unread}: non-zero only while it is unwritable. */
    private long counted;
    private ScheduledFuture<?> stallCheck;

    SlowReaderGuard(Duration stallTimeout, long maxPendingBytes, UnreadAnswers unread) {
        this.stallTimeout = stallTimeout;
        this.maxPendingBytes = maxPendingBytes;
        this.unread = unread;
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        boolean writable = ctx.channel().isWritable();
        ctx.channel().config().setAutoRead(writable);
        if (writable) {
            cancelStallCheck();
            giveBack();
        } else if (stallCheck == null) {
            stallCheck = ctx.executor().schedule(() -> dropIfStillStalled(ctx), stallTimeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        ctx.write(msg, promise);
        long pending = pendingBytes(ctx);
        if (pending > maxPendingBytes && ctx.channel().isOpen()) {
            log.warn("closing a client that let {} bytes of answers pile up unread (limit {}); it stopped reading",
                    pending, maxPendingBytes);
            ctx.close();
            return;
        }
        if (!ctx.channel().isWritable() && pending > counted) {
            long total = unread.add(pending - counted);
            counted = pending;
            if (total > unread.limit() && ctx.channel().isOpen()) {
                log.warn("closing a client that stopped reading its {} bytes of answers: clients that stopped reading"
                        + " hold {} bytes together, over the limit of {} ([ipc] max_unread_total_mib)", pending, total,
                        unread.limit());
                ctx.close();
            }
        }
    }

    private void giveBack() {
        if (counted != 0) {
            unread.add(-counted);
            counted = 0;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelStallCheck();
        giveBack();
        ctx.fireChannelInactive();
    }

    private void dropIfStillStalled(ChannelHandlerContext ctx) {
        stallCheck = null;
        if (!ctx.channel().isWritable() && ctx.channel().isOpen()) {
            log.warn("closing a client that has read none of its {} bytes of answers for {} s", pendingBytes(ctx),
                    stallTimeout.toSeconds());
            ctx.close();
        }
    }

    private void cancelStallCheck() {
        if (stallCheck != null) {
            stallCheck.cancel(false);
            stallCheck = null;
        }
    }

    private static long pendingBytes(ChannelHandlerContext ctx) {
        ChannelOutboundBuffer buffer = ctx.channel().unsafe().outboundBuffer();
        return buffer == null ? 0 : buffer.totalPendingWriteBytes();
    }
}
