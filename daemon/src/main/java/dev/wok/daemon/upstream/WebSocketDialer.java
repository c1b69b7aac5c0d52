package dev.wok.daemon.upstream;

import dev.wok.protocol.config.UpstreamConfig;
import dev.wok.protocol.upstream.UpstreamMessage;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.resolver.AddressResolver;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * Dials the relay over WebSocket, once per {@link #dial}. Phases, each with its own timeout
 * (connect_timeout_ms): the token and the TLS context are prepared on a blocking executor (they read
 * files), then DNS (Netty's non-blocking resolver), TCP connect, TLS, the WebSocket upgrade, and the
 * welcome after hello, all on the connector's event loop without ever blocking it. {@code wss://}
 * verifies the certificate against the JDK trust store and the host name.
 *
 * <p>Pipeline: [idle] → [tls] → http codec → aggregator → websocket client → session. The idle
 * (heartbeat) handler goes first once the upgrade is done, so every byte read or written counts.
 */
public final class WebSocketDialer implements Dialer {
    private static final int MAX_FRAME = 16 << 20;
    /** After a close frame is written, how long the relay has to close its side before we force it. */
    private static final Duration FORCE_CLOSE_AFTER = Duration.ofSeconds(10);

    private final UpstreamConfig config;
    private final URI uri;
    private final String host;
    private final int port;
    private final boolean secure;
    private final EventLoop loop;
    private final AddressResolver<InetSocketAddress> resolver;
    private final Executor blocking;
    private final Credentials credentials;
    private final Supplier<UpstreamMessage.Hello> hello;
    /** Built once per dialer (so once per configuration), on the blocking executor. */
    private volatile SslContext tls;

    /**
     * @param loop the connector's event loop: channels, DNS and timers all run on it
     * @param blocking where reading the token file and loading the trust store may block
     * @param hello the greeting, asked for on the event loop when an upgrade completes
     */
    public WebSocketDialer(UpstreamConfig config, EventLoop loop, AddressResolver<InetSocketAddress> resolver,
                           Executor blocking, Supplier<UpstreamMessage.Hello> hello) {
        this.config = config;
        this.uri = config.url().orElseThrow(() -> new IllegalArgumentException("no upstream url"));
        this.secure = "wss".equals(uri.getScheme().toLowerCase(Locale.ROOT));
        this.host = uri.getHost();
        this.port = uri.getPort() > 0 ? uri.getPort() : secure ? 443 : 80;
        this.loop = loop;
        this.resolver = resolver;
        this.blocking = blocking;
        this.credentials = new Credentials(config);
        this.hello = hello;
    }

    @Override
    public Attempt dial(long generation, Events events) {
        NettyAttempt attempt = new NettyAttempt(generation, events);
        blocking.execute(attempt::prepare);
        return attempt;
    }

    private SslContext tlsContext() throws SSLException {
        SslContext context = tls;
        if (context == null) {
            context = SslContextBuilder.forClient().build();
            tls = context;
        }
        return context;
    }

    private static URI withoutUserInfo(URI uri) {
        if (uri.getUserInfo() == null) {
            return uri;
        }
        return URI.create(uri.getScheme() + "://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "")
                + (uri.getRawPath() == null ? "" : uri.getRawPath()) + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
    }

    /**
     * One attempt, moving through its phases on the event loop. Everything but {@link #prepare} runs on
     * the loop, so its fields need no locks; {@code closed} is volatile because {@code prepare} reads it.
     */
    private final class NettyAttempt implements Attempt {
        private final long generation;
        private final Events events;
        private final Duration timeout = config.retry().connectTimeout();
        private volatile boolean closed;
        private boolean reported;
        private ScheduledFuture<?> phaseTimer;
        private Future<InetSocketAddress> resolving;
        private ChannelFuture connecting;
        private UpstreamSession session;

        NettyAttempt(long generation, Events events) {
            this.generation = generation;
            this.events = events;
        }

        /** Off the loop: the token file and the trust store are file reads. */
        void prepare() {
            if (closed) {
                return;
            }
            Optional<String> token;
            SslContext context;
            try {
                token = credentials.token();
                context = secure ? tlsContext() : null;
            } catch (Credentials.CredentialsException e) {
                loop.execute(() -> fail(Failure.fatal(e.getMessage())));
                return;
            } catch (SSLException | RuntimeException e) {
                loop.execute(() -> fail(Failure.fatal("cannot set up TLS: " + e.getMessage())));
                return;
            }
            loop.execute(() -> resolve(token, context));
        }

        private void resolve(Optional<String> token, SslContext context) {
            if (closed) {
                return;
            }
            resolving = resolver.resolve(InetSocketAddress.createUnresolved(host, port));
            if (!resolving.isDone()) {
                phaseTimer = loop.schedule(() -> {
                    if (!resolving.isDone()) {
                        resolving.cancel(false);
                        fail(Failure.retryable("cannot resolve " + host + ": no DNS answer within " + timeout.toMillis() + " ms"));
                    }
                }, timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
            resolving.addListener(f -> {
                cancelPhaseTimer();
                if (closed || f.isCancelled()) {
                    return;
                }
                if (!f.isSuccess()) {
                    fail(Failure.retryable("cannot resolve " + host + ": " + describe(f.cause())));
                    return;
                }
                connect(resolving.getNow(), token, context);
            });
        }

        private void connect(InetSocketAddress address, Optional<String> token, SslContext context) {
            HttpHeaders headers = new DefaultHttpHeaders();
            token.ifPresent(t -> headers.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + t));
            WebSocketClientProtocolConfig ws = WebSocketClientProtocolConfig.newBuilder()
                    .webSocketUri(withoutUserInfo(uri))
                    .customHeaders(headers)
                    .maxFramePayloadLength(MAX_FRAME)
                    .handshakeTimeoutMillis(timeout.toMillis())
                    .handleCloseFrames(false)
                    .dropPongFrames(false)
                    .sendCloseFrame(WebSocketCloseStatus.NORMAL_CLOSURE)
                    .forceCloseTimeoutMillis(FORCE_CLOSE_AFTER.toMillis())
                    .build();
            session = new UpstreamSession(generation, new ReportOnce(), hello, timeout, config.heartbeat(), () -> closed);
            connecting = new Bootstrap().group(loop).channel(NioSocketChannel.class)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            if (context != null) {
                                SslHandler handler = context.newHandler(ch.alloc(), host, port);
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
                                    .addLast("session", session);
                        }
                    })
                    .connect(address);
            connecting.addListener((ChannelFutureListener) f -> {
                if (!f.isSuccess() && !f.isCancelled()) {
                    fail(Failure.retryable("cannot reach " + host + ":" + port + ": " + describe(f.cause())));
                }
            });
        }

        private void fail(Failure failure) {
            new ReportOnce().failed(generation, failure);
        }

        private void cancelPhaseTimer() {
            if (phaseTimer != null) {
                phaseTimer.cancel(false);
                phaseTimer = null;
            }
        }

        @Override
        public void close() {
            closed = true;
            if (!loop.inEventLoop()) {
                loop.execute(this::closeOnLoop);
            } else {
                closeOnLoop();
            }
        }

        /**
         * A WebSocket that finished its upgrade gets a close frame (Netty's protocol handler writes it,
         * then closes; it forces the close if the write hangs). Anything earlier is closed at once:
         * nothing would answer a close frame there, and a late upgrade must not send hello.
         */
        private void closeOnLoop() {
            cancelPhaseTimer();
            if (resolving != null && !resolving.isDone()) {
                resolving.cancel(false);
            }
            if (connecting == null) {
                return;
            }
            if (!connecting.isDone()) {
                connecting.cancel(false);
                connecting.addListener((ChannelFutureListener) f -> f.channel().close());
                return;
            }
            Channel channel = connecting.channel();
            ChannelHandlerContext first = channel.pipeline().firstContext();
            if (!channel.isActive() || first == null || session.upgraded()) {
                channel.close();
            } else {
                first.close(); // from the front of the pipeline: past the WebSocket handler, so no close frame
            }
        }

        /** Reports to the manager at most once per attempt, and never after the attempt was closed. */
        private final class ReportOnce implements Events {
            @Override
            public void opened(long g, UpstreamMessage.Welcome welcome, Link link) {
                if (!closed && !reported) {
                    events.opened(g, welcome, link);
                }
            }

            @Override
            public void received(long g, UpstreamMessage message) {
                if (!closed && !reported) {
                    events.received(g, message);
                }
            }

            @Override
            public void failed(long g, Failure failure) {
                if (!closed && !reported) {
                    reported = true;
                    events.failed(g, failure);
                }
            }

            @Override
            public void heartbeat(long g, Duration roundTrip) {
                if (!closed && !reported) {
                    events.heartbeat(g, roundTrip);
                }
            }
        }
    }

    static String describe(Throwable cause) {
        if (cause == null) {
            return "cancelled";
        }
        String message = cause.getMessage();
        return message == null || message.isBlank() ? cause.getClass().getSimpleName() : message;
    }
}
