package dev.wok.daemon.ipc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wok.protocol.ErrorCode;
import dev.wok.protocol.ProtocolException;
import dev.wok.protocol.message.ErrorReply;
import dev.wok.protocol.message.Event;
import dev.wok.protocol.message.Message;
import dev.wok.protocol.message.Request;
import dev.wok.protocol.message.Response;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place both framings meet: runs each request's method and writes its answer (or the error
 * that a decoder made of bad input). Answers go back in whatever framing the connection speaks.
 */
@ChannelHandler.Sharable
final class RequestDispatcher extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(RequestDispatcher.class);

    private final MethodRegistry methods;

    RequestDispatcher(MethodRegistry methods) {
        this.methods = methods;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Request request) {
            dispatch(ctx.channel(), request);
        } else if (msg instanceof ErrorReply reply) {
            write(ctx.channel(), reply);
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    private void dispatch(Channel channel, Request request) {
        MethodHandler handler = methods.find(request.method()).orElse(null);
        if (handler == null) {
            write(channel, ErrorReply.of(request.id(), ErrorCode.METHOD_NOT_FOUND,
                    "unknown method '" + request.method() + "'; known methods: " + String.join(", ", methods.names())));
            return;
        }
        CompletionStage<JsonNode> result;
        try {
            result = handler.handle(new Call(request, body -> emit(channel, new Event(request.id(), body)),
                    () -> ClientGone.of(channel)));
        } catch (ProtocolException e) {
            write(channel, ErrorReply.of(e.requestId().isNull() ? request.id() : e.requestId(), e.code(), e.getMessage()));
            return;
        } catch (RuntimeException e) {
            write(channel, internalError(request, e));
            return;
        }
        result.whenComplete((value, failure) -> {
            if (failure == null) {
                write(channel, new Response(request.id(), value));
            } else {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
                if (cause instanceof ProtocolException e) {
                    write(channel, ErrorReply.of(request.id(), e.code(), e.getMessage()));
                } else {
                    write(channel, internalError(request, cause));
                }
            }
        });
    }

    /**
     * Every answer's write is checked: one that fails (an encoder error, say) would otherwise vanish and
     * leave the client waiting forever, so it is logged and that client's connection closed. One listener
     * for all writes: an answer costs no future of its own.
     */
    private static final ChannelFutureListener CLOSE_ON_FAILED_WRITE = written -> {
        Channel channel = written.channel();
        if (!written.isSuccess() && channel.isActive()) {
            log.warn("could not write an answer to a client; closing its connection", written.cause());
            channel.close();
        }
    };

    private static ChannelFuture write(Channel channel, Message message) {
        return channel.writeAndFlush(message).addListener(CLOSE_ON_FAILED_WRITE);
    }

    /** An event of a streaming method: its stage completes once the event is written, or fails with the write. */
    private static CompletionStage<Void> emit(Channel channel, Event event) {
        CompletableFuture<Void> emitted = new CompletableFuture<>();
        write(channel, event).addListener((ChannelFutureListener) written -> {
            if (written.isSuccess()) {
                emitted.complete(null);
            } else {
                emitted.completeExceptionally(written.cause());
            }
        });
        return emitted;
    }

    private static ErrorReply internalError(Request request, Throwable cause) {
        log.error("method {} failed", request.method(), cause);
        return ErrorReply.of(request.id(), ErrorCode.INTERNAL_ERROR,
                request.method() + " failed inside wokd: " + cause + " (see the daemon log)");
    }
}
