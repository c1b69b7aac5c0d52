package dev.wok.daemon.ipc;

import dev.wok.protocol.ProtocolException;
import dev.wok.protocol.binary.BinaryFrames;
import dev.wok.protocol.binary.FrameHeader;
import dev.wok.protocol.message.ErrorReply;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Splits binary frames. The header is checked in place, length against the limit included, before a
 * single payload byte is buffered for it; a header that fails the check ends the connection. A payload
 * that is not a valid request is answered with an error frame and the connection goes on. What it holds
 * between reads counts against the bytes all clients together may leave unfinished ({@link RequestBuffers}).
 */
final class BinaryFrameDecoder extends ByteToMessageDecoder implements HoldsPartialRequest {
    private final int maxPayload;
    private final HeldBytes held;
    private FrameHeader pending;

    BinaryFrameDecoder(int maxPayload, RequestBuffers buffers) {
        this.maxPayload = maxPayload;
        this.held = new HeldBytes(buffers);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (held.dropping(msg)) {
            return;
        }
        super.channelRead(ctx, msg);
        held.afterRead(ctx, internalBuffer());
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        held.release();
    }

    @Override
    public boolean holdsPartialRequest() {
        return pending != null || internalBuffer().isReadable();
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws FatalInputException {
        if (pending == null) {
            if (in.readableBytes() < FrameHeader.LENGTH) {
                return;
            }
            try {
                pending = FrameHeader.decode(in.internalNioBuffer(in.readerIndex(), FrameHeader.LENGTH), maxPayload);
            } catch (ProtocolException e) {
                in.skipBytes(in.readableBytes());
                throw new FatalInputException(ErrorReply.of(e));
            }
            in.skipBytes(FrameHeader.LENGTH);
        }
        int length = pending.payloadLength();
        if (in.readableBytes() < length) {
            return;
        }
        FrameHeader header = pending;
        pending = null;
        byte[] payload = ByteBufUtil.getBytes(in, in.readerIndex(), length, false);
        in.skipBytes(length);
        try {
            out.add(BinaryFrames.decodeRequest(header, payload, 0, length));
        } catch (ProtocolException e) {
            out.add(ErrorReply.of(e));
        }
    }
}
