package dev.wok.relay.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * Lets through only upgrade requests for {@code /sync} that carry the bearer token, when one is
 * required; answers everything else with a plain HTTP error and closes.
 */
final class UpgradeGate extends SimpleChannelInboundHandler<FullHttpRequest> {
    static final String PATH = "/sync";

    private final Optional<byte[]> token;

    UpgradeGate(Optional<String> token) {
        super(false);
        this.token = token.map(t -> t.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!PATH.equals(new QueryStringDecoder(request.uri()).path())) {
            refuse(ctx, request, HttpResponseStatus.NOT_FOUND, "wok-relay serves WebSocket at " + PATH + "\n");
            return;
        }
        if (token.isPresent() && !authorized(request.headers().get(HttpHeaderNames.AUTHORIZATION))) {
            refuse(ctx, request, HttpResponseStatus.UNAUTHORIZED, "missing or wrong bearer token\n");
            return;
        }
        ctx.fireChannelRead(request);
    }

    private boolean authorized(String header) {
        // The scheme name is case-insensitive (RFC 7235 section 2.1): "bearer" is as good as "Bearer".
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, "Bearer ".length())) {
            return false;
        }
        byte[] offered = header.substring("Bearer ".length()).trim().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(offered, token.get());
    }

    private static void refuse(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status, String body) {
        request.release();
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}
