package dev.wok.relay.server;

import dev.wok.protocol.ProtocolException;
import dev.wok.protocol.upstream.CloseCodes;
import dev.wok.protocol.upstream.UpstreamCodec;
import dev.wok.protocol.upstream.UpstreamMessage;
import dev.wok.relay.store.Sequencer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One daemon's WebSocket: hello first, then ops; everything goes to the sequencer. */
final class RelaySession extends SimpleChannelInboundHandler<WebSocketFrame> implements Sequencer.Peer {
    private static final Logger log = LoggerFactory.getLogger(RelaySession.class);

    /**
     * Op bytes a connection may have waiting for the sequencer; past it, its next messages are not read
     * until the sequencer catches up, so a client that floods ops slows down itself, not the relay.
     */
    static final long MAX_QUEUED_OP_BYTES = 4L << 20;
    /**
     * Acks and events a client may leave unread: a subscriber that stops reading is dropped (it catches up
     * from its last seq when it comes back) rather than buffered for without bound.
     */
    static final long MAX_UNREAD_BYTES = 16L << 20;

    private final Sequencer sequencer;
    private final Runnable upgraded;
    private final java.util.concurrent.atomic.AtomicLong queuedOpBytes = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicBoolean dropped = new java.util.concurrent.atomic.AtomicBoolean();
    private Channel channel;
    private boolean greeted;

    /** @param upgraded told once the WebSocket upgrade is done */
    RelaySession(Sequencer sequencer, Runnable upgraded) {
        this.sequencer = sequencer;
        this.upgraded = upgraded;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (!(frame instanceof TextWebSocketFrame text)) {
            // Pings, pongs and closes are Netty's; anything else is not this protocol.
            violation("binary frames are not part of the protocol: send each message as JSON in a text frame");
            return;
        }
        UpstreamMessage message;
        try {
            message = UpstreamCodec.decode(text.text());
        } catch (ProtocolException e) {
            violation(e.getMessage());
            return;
        }
        if (!greeted) {
            if (message instanceof UpstreamMessage.Hello hello) {
                greeted = true;
                log.info("hello from {} (acked {}, since {})", hello.client(), hello.acked(), hello.since());
                sequencer.hello(this, hello);
            } else {
                violation("the first message must be a hello");
            }
        } else if (message instanceof UpstreamMessage.Op op) {
            if (queuedOpBytes.addAndGet(op.body().length()) > MAX_QUEUED_OP_BYTES) {
                channel.config().setAutoRead(false);
            }
            sequencer.op(this, op);
        } else if (message instanceof UpstreamMessage.Sync sync) {
            sequencer.sync(this, sync);
        } else {
            violation("after hello a client sends only ops and syncs");
        }
    }

    private void violation(String message) {
        sendText(UpstreamCodec.encode(new UpstreamMessage.Error("protocol_violation", message)));
        close(CloseCodes.PROTOCOL_VIOLATION, message);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
            upgraded.run();
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        sequencer.leave(this);
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof io.netty.handler.codec.TooLongFrameException) {
            // A message sent in fragments that add up to more than one op can be.
            close(1009, "a message over " + (RelayServer.MAX_FRAME >> 20) + " MiB; one op is at most 1 MiB");
            return;
        }
        if (!(cause instanceof IOException)) {
            log.warn("closing a connection after an error", cause);
        }
        ctx.close();
    }

    @Override
    public void opDone(UpstreamMessage.Op op) {
        long before = queuedOpBytes.getAndAdd(-op.body().length());
        if (before > MAX_QUEUED_OP_BYTES / 2 && before - op.body().length() <= MAX_QUEUED_OP_BYTES / 2) {
            channel.config().setAutoRead(true);
        }
    }

    @Override
    public void sendText(String text) {
        io.netty.channel.ChannelOutboundBuffer unread = channel.unsafe().outboundBuffer();
        if (unread != null && unread.totalPendingWriteBytes() > MAX_UNREAD_BYTES) {
            if (dropped.compareAndSet(false, true)) {
                log.warn("dropping a client that has left {} bytes of acks and events unread (limit {})",
                        unread.totalPendingWriteBytes(), MAX_UNREAD_BYTES);
                channel.close();
            }
            return;
        }
        channel.writeAndFlush(new TextWebSocketFrame(text));
    }

    @Override
    public void close(int code, String reason) {
        channel.writeAndFlush(new CloseWebSocketFrame(code, reason.length() > 120 ? reason.substring(0, 120) : reason))
                .addListener(ChannelFutureListener.CLOSE);
    }
}
