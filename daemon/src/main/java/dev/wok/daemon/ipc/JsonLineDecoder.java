package dev.wok.daemon.ipc;

import dev.wok.protocol.ProtocolException;
import dev.wok.protocol.jsonlines.JsonLines;
import dev.wok.protocol.message.ErrorReply;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.util.List;

/**
 * Turns one line (already split, terminator stripped) into a {@link dev.wok.protocol.message.Request},
 * or into the {@link ErrorReply} that answers it when it is not one. Blank lines are skipped; a bad
 * line does not end the connection.
 */
final class JsonLineDecoder extends MessageToMessageDecoder<ByteBuf> {
    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf line, List<Object> out) {
        if (isBlank(line)) {
            return;
        }
        int length = line.readableBytes();
        byte[] bytes;
        int offset;
        if (line.hasArray()) {
            bytes = line.array();
            offset = line.arrayOffset() + line.readerIndex();
        } else {
            bytes = ByteBufUtil.getBytes(line, line.readerIndex(), length, false);
            offset = 0;
        }
        try {
            out.add(JsonLines.decodeRequest(bytes, offset, length));
        } catch (ProtocolException e) {
            out.add(ErrorReply.of(e));
        }
    }

    private static boolean isBlank(ByteBuf line) {
        return line.forEachByte(b -> b == ' ' || b == '\t' || b == '\r') == -1;
    }
}
