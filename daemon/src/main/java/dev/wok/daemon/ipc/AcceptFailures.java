package dev.wok.daemon.ipc;

import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On the listening socket: when a new client cannot be accepted (at the limit of open files, say), stops
 * accepting for a moment instead of retrying in a loop, and logs it once with the fix, not a warning
 * with a stack trace every second; logs again when clients are accepted again. The clients already
 * connected are served all along.
 */
final class AcceptFailures extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(AcceptFailures.class);
    static final long PAUSE_MILLIS = 1000;

    private boolean failing;
    private long failures;

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof IOException)) {
            ctx.fireExceptionCaught(cause);
            return;
        }
        failures++;
        if (!failing) {
            failing = true;
            log.warn("cannot accept new clients: {}; those connected are still served. {}", cause.getMessage(), fix(cause));
        }
        ChannelConfig config = ctx.channel().config();
        if (config.isAutoRead()) {
            config.setAutoRead(false);
            ctx.executor().schedule(() -> {
                if (ctx.channel().isOpen()) {
                    config.setAutoRead(true);
                }
            }, PAUSE_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object child) {
        if (failing) {
            failing = false;
            log.info("accepting new clients again after {} failed attempts", failures);
            failures = 0;
        }
        ctx.fireChannelRead(child);
    }

    private static String fix(Throwable cause) {
        String message = String.valueOf(cause.getMessage());
        if (message.contains("Too many open files")) {
            return "wokd is at its limit of open files: close idle clients, or raise the limit"
                    + " (ulimit -n before 'wokd start', or LimitNOFILE= in the service unit)";
        }
        return "wokd retries every " + PAUSE_MILLIS + " ms";
    }
}
