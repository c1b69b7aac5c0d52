package dev.wok.daemon.ipc;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.wok.protocol.Json;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Coverage-guided fuzzing of everything a client's bytes meet in wokd: the sniffer, both framings'
 * decoders, request parsing, the dispatcher and the encoders, assembled by the real initializer on an
 * EmbeddedChannel. Whatever the bytes, split however, no exception escapes the pipeline (bad input is
 * answered or the connection closed, never thrown), and nothing stays unreleased.
 *
 * <p>{@code ./mvnw verify} replays the committed inputs (src/test/resources/.../IpcPipelineFuzzTestInputs)
 * once each; {@code JAZZER_FUZZ=1 ./mvnw -pl daemon -am test -Dtest=IpcPipelineFuzzTest} fuzzes for real
 * (docs/BENCHMARKS.md, "Fuzzing", has the longer command).
 */
class IpcPipelineFuzzTest {
    private static final IpcLimits LIMITS = new IpcLimits(4096, 4096, Duration.ofSeconds(60));
    private static final MethodRegistry METHODS = MethodRegistry.builder()
            .add("ping", call -> CompletableFuture.completedFuture(Json.object().put("pong", true)))
            .add("echo", call -> {
                call.params().allowOnly("text");
                return CompletableFuture.completedFuture(Json.object().put("text", call.params().optionalString("text").orElse("")));
            })
            .build();

    @FuzzTest(maxDuration = "10s")
    void any_bytes_split_anywhere_are_answered_or_refused_never_thrown(byte[] input) {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.pipeline().addLast(new IpcChannelInitializer(LIMITS,
                new DefaultChannelGroup(ImmediateEventExecutor.INSTANCE), METHODS, 0));
        int split = input.length == 0 ? 0 : Byte.toUnsignedInt(input[0]) % (input.length + 1);
        feed(channel, input, 1, split);
        feed(channel, input, split, input.length);
        channel.runPendingTasks();
        Object out;
        while ((out = channel.readOutbound()) != null) {
            ReferenceCountUtil.release(out);
        }
        // EmbeddedChannel rethrows anything that reached the end of the pipeline: that is the failure.
        channel.finishAndReleaseAll();
        channel.checkException();
    }

    private static void feed(EmbeddedChannel channel, byte[] input, int from, int to) {
        if (to > from && channel.isOpen()) {
            ByteBuf bytes = Unpooled.wrappedBuffer(input, from, to - from);
            channel.writeInbound(bytes);
            channel.checkException();
        }
    }
}
