package dev.wok.relay.server;

import dev.wok.protocol.upstream.CloseCodes;
import dev.wok.relay.store.Sequencer;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The relay's WebSocket server. Pipeline per connection, in order: idle timer (first, so every byte read
 * counts) → HTTP codec → aggregator → upgrade gate (path and token) → WebSocket protocol (upgrade, pings
 * answered with pongs, close frames) → idle guard (pings a quiet client, closes a silent one) → session.
 */
public final class RelayServer implements AutoCloseable {
    /**
     * The largest message: one op (a push takes at most 1 MiB of JSON) and its envelope. Checked by the
     * frame decoder from the frame's header, before its payload is buffered, and before a hello.
     */
    static final int MAX_FRAME = 2 << 20;
    /** How long a connection may send nothing at all, not even a pong to our ping, before it is closed. */
    public static final Duration DEFAULT_IDLE_LIMIT = Duration.ofSeconds(90);

    private final EventLoopGroup group;
    private final Channel channel;
    private final ChannelGroup sessions;

    private RelayServer(EventLoopGroup group, Channel channel, ChannelGroup sessions) {
        this.group = group;
        this.channel = channel;
        this.sessions = sessions;
    }

    public static RelayServer bind(InetSocketAddress address, Sequencer sequencer, Optional<String> token)
            throws InterruptedException {
        return bind(address, sequencer, token, DEFAULT_IDLE_LIMIT);
    }

    public static RelayServer bind(InetSocketAddress address, Sequencer sequencer, Optional<String> token, Duration idleLimit)
            throws InterruptedException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(0, NioIoHandler.newFactory());
        ChannelGroup sessions = new DefaultChannelGroup("relay-sessions", GlobalEventExecutor.INSTANCE);
        WebSocketServerProtocolConfig ws = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(UpgradeGate.PATH)
                .maxFramePayloadLength(MAX_FRAME)
                .handshakeTimeoutMillis(10_000)
                .dropPongFrames(true)
                .build();
        try {
            Channel channel = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            sessions.add(ch);
                            IdleGuard guard = new IdleGuard(idleLimit);
                            ch.pipeline()
                                    .addLast("linger", new LingeringClose())
                                    .addLast("idle", IdleGuard.idleHandler(idleLimit))
                                    .addLast("http", new HttpServerCodec())
                                    .addLast("aggregate", new HttpObjectAggregator(64 * 1024))
                                    .addLast("gate", new UpgradeGate(token))
                                    .addLast("websocket", new WebSocketServerProtocolHandler(ws))
                                    // A message may come as a text frame and continuation frames (RFC 6455 5.4).
                                    .addLast("messages", new WebSocketFrameAggregator(MAX_FRAME))
                                    .addLast("idle-guard", guard)
                                    .addLast("session", new RelaySession(sequencer, guard::upgraded));
                        }
                    })
                    .bind(address).sync().channel();
            return new RelayServer(group, channel, sessions);
        } catch (RuntimeException | InterruptedException e) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** Tells every daemon it is going away (1001: come back soon), then stops. */
    @Override
    public void close() {
        channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        for (Channel session : sessions) {
            session.writeAndFlush(new CloseWebSocketFrame(CloseCodes.GOING_AWAY, "relay restarting"))
                    .addListener(ChannelFutureListener.CLOSE);
        }
        sessions.newCloseFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
