package dev.wok.daemon.ipc;

import dev.wok.protocol.binary.BinaryFrames;
import dev.wok.protocol.binary.FrameHeader;
import dev.wok.protocol.message.Message;
import dev.wok.protocol.message.MessageJson;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/** Writes each message as a 16-byte header and its JSON payload, serialised straight into the buffer. */
@ChannelHandler.Sharable
final class BinaryFrameEncoder extends MessageToByteEncoder<Message> {
    static final BinaryFrameEncoder INSTANCE = new BinaryFrameEncoder();

    private BinaryFrameEncoder() {
        super(Message.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Message message, ByteBuf out) throws Exception {
        int headerIndex = out.writerIndex();
        out.writeZero(FrameHeader.LENGTH);
        try (ByteBufOutputStream stream = new ByteBufOutputStream(out)) {
            MessageJson.write(message, stream);
        }
        int payloadLength = out.writerIndex() - headerIndex - FrameHeader.LENGTH;
        // Written in place through the buffer's own NIO view: no header array or heap ByteBuffer per answer.
        BinaryFrames.header(message, payloadLength).encode(out.internalNioBuffer(headerIndex, FrameHeader.LENGTH));
    }
}
