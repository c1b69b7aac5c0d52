package dev.wok.daemon.upstream;

import dev.wok.protocol.config.HeartbeatPolicy;
import dev.wok.protocol.ProtocolException;
import dev.wok.protocol.upstream.CloseCodes;
import dev.wok.protocol.upstream.UpstreamCodec;
import dev.wok.protocol.upstream.UpstreamMessage;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The last handler of an upstream connection: sends hello once the upgrade is done, reports
 * {@code opened} on welcome, pings when nothing was written for a while, and reports exactly one
 * failure however the connection ends (close frame, refused upgrade, silence, error, or loss).
 */
final class UpstreamSession extends ChannelInboundHandlerAdapter {
    private final long generation;
    private final Dialer.Events events;
    private final Supplier<UpstreamMessage.Hello> hello;
    private final Duration welcomeTimeout;
    private final HeartbeatPolicy heartbeat;
    private final BooleanSupplier abandoned;
    private ScheduledFuture<?> welcomeTimer;
    private boolean upgraded;
    private boolean welcomed;
    private boolean failed;

    /**
     * @param events where the outcome goes: opened, heartbeats, and at most one failure
     * @param abandoned true once the attempt was closed: a late upgrade then sends nothing
     */
    UpstreamSession(long generation, Dialer.Events events, Supplier<UpstreamMessage.Hello> hello, Duration welcomeTimeout,
                    HeartbeatPolicy heartbeat, BooleanSupplier abandoned) {
        this.generation = generation;
        this.events = events;
        this.hello = hello;
        this.welcomeTimeout = welcomeTimeout;
        this.heartbeat = heartbeat;
        this.abandoned = abandoned;
    }

    /** Whether the WebSocket upgrade finished, so that a close frame can be sent. */
    boolean upgraded() {
        return upgraded;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
            upgraded = true;
            if (abandoned.getAsBoolean()) {
                ctx.close();
                return;
            }
            // Heartbeats start with the WebSocket; before it, each phase has its own timeout. First in the
            // pipeline, the idle handler sees every byte: the relay's pings and our pongs count too.
            ctx.pipeline().addFirst("idle", new IdleStateHandler(heartbeat.timeout().toMillis(),
                    heartbeat.interval().toMillis(), 0, TimeUnit.MILLISECONDS));
            ctx.writeAndFlush(new TextWebSocketFrame(UpstreamCodec.encode(hello.get())));
            welcomeTimer = ctx.executor().schedule(() -> fail(ctx, Dialer.Failure.retryable(
                    "no welcome within " + welcomeTimeout.toMillis() + " ms of the upgrade")), welcomeTimeout.toMillis(),
                    TimeUnit.MILLISECONDS);
        } else if (event == ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
            fail(ctx, Dialer.Failure.retryable("WebSocket upgrade not answered in time"));
        } else if (event instanceof IdleStateEvent idle) {
            if (idle.state() == IdleState.READER_IDLE) {
                fail(ctx, Dialer.Failure.retryable("nothing received for " + heartbeat.timeout().toMillis()
                        + " ms (heartbeat timeout); the connection is dead"));
            } else if (idle.state() == IdleState.WRITER_IDLE && welcomed) {
                ByteBuf stamp = ctx.alloc().buffer(8).writeLong(System.nanoTime());
                ctx.writeAndFlush(new PingWebSocketFrame(stamp));
            }
        } else {
            super.userEventTriggered(ctx, event);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof TextWebSocketFrame text) {
                onText(ctx, text.text());
            } else if (msg instanceof PongWebSocketFrame pong && pong.content().readableBytes() == 8) {
                long sent = pong.content().getLong(pong.content().readerIndex());
                events.heartbeat(generation, Duration.ofNanos(System.nanoTime() - sent));
            } else if (msg instanceof CloseWebSocketFrame close) {
                int code = close.statusCode();
                String reason = "closed by the relay (" + code + (close.reasonText().isEmpty() ? "" : " " + close.reasonText()) + ")";
                fail(ctx, CloseCodes.fatal(code) ? Dialer.Failure.fatal(reason)
                        : code == CloseCodes.GOING_AWAY ? Dialer.Failure.goingAway(reason) : Dialer.Failure.retryable(reason));
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onText(ChannelHandlerContext ctx, String text) {
        UpstreamMessage message;
        try {
            message = UpstreamCodec.decode(text);
        } catch (ProtocolException e) {
            fail(ctx, Dialer.Failure.retryable("the relay sent something unreadable: " + e.getMessage()));
            return;
        }
        if (message instanceof UpstreamMessage.Welcome welcome) {
            if (welcomed) {
                fail(ctx, Dialer.Failure.retryable("the relay sent a second welcome"));
                return;
            }
            welcomed = true;
            if (welcomeTimer != null) {
                welcomeTimer.cancel(false);
            }
            events.opened(generation, welcome, new ChannelLink(ctx));
        } else if (message instanceof UpstreamMessage.Error error) {
            boolean fatal = error.code().equals("unauthorized") || error.code().equals("unsupported_version");
            fail(ctx, new Dialer.Failure(fatal, "relay error " + error.code() + ": " + error.message()));
        } else if (!welcomed) {
            fail(ctx, Dialer.Failure.retryable("the relay sent " + message.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT)
                    + " before its welcome"));
        } else {
            events.received(generation, message);
        }
    }

    /** Writes on this session's channel, from its event loop (which is the connector's thread). */
    private record ChannelLink(ChannelHandlerContext ctx) implements Dialer.Link {
        @Override
        public void send(UpstreamMessage message) {
            ctx.write(new TextWebSocketFrame(UpstreamCodec.encode(message)), ctx.voidPromise());
        }

        @Override
        public void flush() {
            ctx.flush();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        fail(ctx, Dialer.Failure.retryable(welcomed ? "connection lost" : "connection closed before the welcome"));
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof WebSocketClientHandshakeException refused && refused.response() != null) {
            int status = refused.response().status().code();
            if (status == 401 || status == 403) {
                fail(ctx, Dialer.Failure.fatal("the relay refused our credentials (HTTP " + status
                        + "); check WOK_UPSTREAM_TOKEN, upstream.token or upstream.token_file, then run: wok connect"));
                return;
            }
            fail(ctx, Dialer.Failure.retryable("WebSocket upgrade refused (HTTP " + status + ")"));
            return;
        }
        if (cause instanceof WebSocketClientHandshakeException handshake) {
            fail(ctx, Dialer.Failure.retryable("WebSocket upgrade not answered in time (" + handshake.getMessage() + ")"));
            return;
        }
        fail(ctx, Dialer.Failure.retryable(cause.getMessage() == null ? cause.toString() : cause.getMessage()));
    }

    private void fail(ChannelHandlerContext ctx, Dialer.Failure failure) {
        if (welcomeTimer != null) {
            welcomeTimer.cancel(false);
        }
        if (!failed) {
            failed = true;
            events.failed(generation, failure);
        }
        ctx.close();
    }
}
