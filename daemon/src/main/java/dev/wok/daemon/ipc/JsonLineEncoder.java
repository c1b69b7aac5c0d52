package dev.wok.daemon.ipc;

import dev.wok.protocol.message.Message;
import dev.wok.protocol.message.MessageJson;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/** Writes each message as one JSON-RPC 2.0 object and a newline. */
@ChannelHandler.Sharable
final class JsonLineEncoder extends MessageToByteEncoder<Message> {
    static final JsonLineEncoder INSTANCE = new JsonLineEncoder();

    private JsonLineEncoder() {
        super(Message.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Message message, ByteBuf out) throws Exception {
        try (ByteBufOutputStream stream = new ByteBufOutputStream(out)) {
            MessageJson.write(message, stream);
        }
        out.writeByte('\n');
    }
}
