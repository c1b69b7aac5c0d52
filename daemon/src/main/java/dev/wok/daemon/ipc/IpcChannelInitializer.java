package dev.wok.daemon.ipc;

import dev.wok.protocol.ErrorCode;
import dev.wok.protocol.jsonlines.JsonLines;
import dev.wok.protocol.message.ErrorReply;
import dev.wok.protocol.sniff.Framing;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Assembles every client pipeline, in one place. A connection starts as
 * {@code slow-reader → sniffer → errors}; the sniffer then calls {@link #installFraming}, which makes it
 * <pre>
 *   JSON lines: slow-reader → sniffer → read-idle → partial-requests → lines (JsonLineFramer) → json-decoder
 *                 → json-encoder → errors → dispatcher
 *   binary:     slow-reader → sniffer → read-idle → partial-requests → frames (BinaryFrameDecoder)
 *                 → frame-encoder → errors → dispatcher
 * </pre>
 * and removes itself. A connection whose input is refused gets {@link RefusedInputClose} in front of all
 * of it once the refusal is written.
 * A peer running as another user (root excepted) is refused before any of it.
 */
final class IpcChannelInitializer extends ChannelInitializer<Channel> {
    private static final Logger log = LoggerFactory.getLogger(IpcChannelInitializer.class);
    /** Past 256 KiB of answers unread, the client's requests are not read either (see SlowReaderGuard). */
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(64 * 1024, 256 * 1024);

    private final IpcLimits limits;
    private final ChannelGroup clients;
    private final RequestDispatcher dispatcher;
    private final InputErrorHandler errors;
    private final PartialRequestGuard partialRequests;
    private final RequestBuffers requestBuffers;
    private final UnreadAnswers unreadAnswers;
    private final int ownUid;

    IpcChannelInitializer(IpcLimits limits, ChannelGroup clients, MethodRegistry methods, int ownUid) {
        this.limits = limits;
        this.clients = clients;
        this.dispatcher = new RequestDispatcher(methods);
        this.errors = new InputErrorHandler(limits.maxLineBytes());
        this.partialRequests = new PartialRequestGuard(limits.partialRequestTimeout());
        this.requestBuffers = new RequestBuffers(limits.maxUnfinishedRequestBytes());
        this.unreadAnswers = new UnreadAnswers(limits.maxUnreadTotalBytes());
        this.ownUid = ownUid;
    }

    @Override
    protected void initChannel(Channel channel) {
        OptionalInt peer = SocketGuard.peerUid(channel);
        if (!SocketGuard.allowed(peer, ownUid)) {
            log.warn("refused a client running as uid {}: wokd serves uid {} only", peer.getAsInt(), ownUid);
            ErrorReply refusal = ErrorReply.of(null, ErrorCode.PERMISSION_DENIED,
                    "wokd serves uid " + ownUid + " only; this client runs as uid " + peer.getAsInt()
                            + ". Start your own daemon with 'wokd start'");
            RefusedPeer.refuse(channel, channel.alloc().buffer().writeBytes(JsonLines.encode(refusal)));
            return;
        }
        clients.add(channel);
        channel.config().setWriteBufferWaterMark(WATER_MARK);
        channel.pipeline()
                .addLast("slow-reader", new SlowReaderGuard(limits.stalledReaderTimeout(), limits.maxUnreadBytes(), unreadAnswers))
                .addLast("sniffer", new FramingSniffer(limits.firstBytesTimeout(), this::installFraming))
                .addLast("errors", errors);
    }

    private void installFraming(ChannelHandlerContext sniffer, Framing framing) {
        ChannelPipeline pipeline = sniffer.pipeline();
        String after = sniffer.name();
        long idle = limits.partialRequestTimeout().toMillis();
        pipeline.addAfter(after, "read-idle", new IdleStateHandler(idle, 0, 0, TimeUnit.MILLISECONDS));
        pipeline.addAfter("read-idle", "partial-requests", partialRequests);
        after = "partial-requests";
        if (framing == Framing.JSON_LINES) {
            pipeline.addAfter(after, "lines", new JsonLineFramer(limits.maxLineBytes(), requestBuffers));
            pipeline.addAfter("lines", "json-decoder", new JsonLineDecoder());
            pipeline.addAfter("json-decoder", "json-encoder", JsonLineEncoder.INSTANCE);
        } else {
            pipeline.addAfter(after, "frames", new BinaryFrameDecoder(limits.maxFramePayload(), requestBuffers));
            pipeline.addAfter("frames", "frame-encoder", BinaryFrameEncoder.INSTANCE);
        }
        pipeline.addAfter("errors", "dispatcher", dispatcher);
    }
}
