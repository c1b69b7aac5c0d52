package dev.wok.daemon.upstream;

import dev.wok.daemon.config.UpstreamConfig;
import dev.wok.protocol.upstream.CloseCodes;
import dev.wok.protocol.upstream.UpstreamMessage;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * Connects once to the relay over WebSocket and reports; never reconnects. Each phase has its own
 * timeout: TCP connect (CONNECT_TIMEOUT_MILLIS), TLS and upgrade (handshake timeout), and the
 * welcome after hello. {@code wss://} verifies the certificate against the JDK trust store and the
 * host name. Pipeline: [tls] → http codec → aggregator → websocket client → session; the session adds
 * the idle (heartbeat) handler in front of itself once the upgrade is done.
 */
public final class WebSocketTransport implements Transport {
    private static final int MAX_FRAME = 16 << 20;
    private static final Duration GRACEFUL_CLOSE = Duration.ofSeconds(10);

    private final UpstreamConfig config;
    private final EventLoopGroup group;
    private final Credentials credentials;
    private final Supplier<UpstreamMessage.Hello> hello;

    public WebSocketTransport(UpstreamConfig config, EventLoopGroup group, Supplier<UpstreamMessage.Hello> hello) {
        this.config = config;
        this.group = group;
        this.credentials = new Credentials(config);
        this.hello = hello;
    }

    @Override
    public Attempt open(long generation, Events events) {
        URI uri = config.url().orElseThrow(() -> new IllegalStateException("no upstream url"));
        AtomicBoolean reported = new AtomicBoolean();
        Optional<String> token;
        SslContext tls;
        try {
            token = credentials.token();
            tls = "wss".equals(uri.getScheme().toLowerCase(Locale.ROOT)) ? SslContextBuilder.forClient().build() : null;
        } catch (Credentials.CredentialsException e) {
            return report(events, generation, reported, Failure.fatal(e.getMessage()));
        } catch (SSLException e) {
            return report(events, generation, reported, Failure.fatal("cannot set up TLS: " + e.getMessage()));
        }
        String host = uri.getHost();
        int port = uri.getPort() > 0 ? uri.getPort() : tls != null ? 443 : 80;
        HttpHeaders headers = new DefaultHttpHeaders();
        token.ifPresent(t -> headers.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + t));
        Duration timeout = config.retry().connectTimeout();
        WebSocketClientProtocolConfig ws = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(withoutUserInfo(uri))
                .customHeaders(headers)
                .maxFramePayloadLength(MAX_FRAME)
                .handshakeTimeoutMillis(timeout.toMillis())
                .handleCloseFrames(false)
                .dropPongFrames(false)
                .build();
        UpstreamMessage.Hello greeting = hello.get();
        ChannelFuture connecting = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (tls != null) {
                            SslHandler handler = tls.newHandler(ch.alloc(), host, port);
                            SSLParameters parameters = handler.engine().getSSLParameters();
                            parameters.setEndpointIdentificationAlgorithm("HTTPS");
                            handler.engine().setSSLParameters(parameters);
                            handler.setHandshakeTimeoutMillis(timeout.toMillis());
                            ch.pipeline().addLast("tls", handler);
                        }
                        ch.pipeline()
                                .addLast("http", new HttpClientCodec())
                                .addLast("aggregate", new HttpObjectAggregator(64 * 1024))
                                .addLast("websocket", new WebSocketClientProtocolHandler(ws))
                                .addLast("session", new UpstreamSession(generation, events, greeting, timeout,
                                        config.heartbeat(), reported));
                    }
                })
                .connect(host, port);
        connecting.addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess() && !f.isCancelled() && reported.compareAndSet(false, true)) {
                Throwable cause = f.cause();
                events.failed(generation, Failure.retryable("cannot reach " + host + ":" + port + ": "
                        + (cause == null ? "cancelled" : cause.getMessage())));
            }
        });
        return new NettyAttempt(connecting, reported);
    }

    private static Attempt report(Events events, long generation, AtomicBoolean reported, Failure failure) {
        if (reported.compareAndSet(false, true)) {
            events.failed(generation, failure);
        }
        return () -> { };
    }

    private static URI withoutUserInfo(URI uri) {
        if (uri.getUserInfo() == null) {
            return uri;
        }
        return URI.create(uri.getScheme() + "://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "")
                + (uri.getRawPath() == null ? "" : uri.getRawPath()) + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
    }

    /** Closing marks the attempt reported first, so its own teardown never reaches the manager. */
    private record NettyAttempt(ChannelFuture connecting, AtomicBoolean reported) implements Attempt {
        @Override
        public void close() {
            reported.set(true);
            if (!connecting.isDone()) {
                connecting.cancel(false);
                connecting.addListener((ChannelFutureListener) f -> f.channel().close());
                return;
            }
            Channel channel = connecting.channel();
            if (!channel.isActive()) {
                channel.close();
                return;
            }
            if (channel.pipeline().get(WebSocketClientProtocolHandler.class) != null
                    && channel.pipeline().get(UpstreamSession.class) != null) {
                channel.writeAndFlush(new CloseWebSocketFrame(CloseCodes.NORMAL, "client closing"));
                channel.eventLoop().schedule(() -> channel.close(), GRACEFUL_CLOSE.toMillis(), TimeUnit.MILLISECONDS);
            } else {
                channel.close();
            }
        }
    }
}
