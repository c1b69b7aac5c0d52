package dev.wok.daemon.ipc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.IntNode;
import dev.wok.protocol.Json;
import dev.wok.protocol.message.Request;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.EncoderException;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class RequestDispatcherTest {
    @Test
    void an_answer_that_cannot_be_written_closes_the_connection_instead_of_vanishing() {
        MethodRegistry methods = MethodRegistry.builder()
                .add("ping", call -> CompletableFuture.completedFuture(Json.object().put("pong", true)))
                .build();
        EmbeddedChannel channel = new EmbeddedChannel(new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                ReferenceCountUtil.release(msg);
                promise.setFailure(new EncoderException("cannot encode"));
            }
        }, new RequestDispatcher(methods));
        channel.writeInbound(new Request(IntNode.valueOf(1), "ping", null));
        channel.runPendingTasks();
        assertThat(channel.isOpen()).as("a client whose answer was lost is not left waiting").isFalse();
    }
}
