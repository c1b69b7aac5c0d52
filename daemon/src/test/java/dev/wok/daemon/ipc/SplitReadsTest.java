package dev.wok.daemon.ipc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wok.protocol.Json;
import dev.wok.protocol.binary.FrameHeader;
import dev.wok.protocol.binary.FrameKind;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A property of the whole client pipeline: however the bytes of a valid stream are split into reads,
 * the answers are the same, byte for byte, as when it arrives in one read. 200 seeded cases per framing;
 * a failure names its seed, so it can be replayed.
 */
class SplitReadsTest {
    private static final MethodRegistry METHODS = MethodRegistry.builder()
            .add("ping", call -> CompletableFuture.completedFuture(Json.object().put("pong", true)))
            .add("echo", call -> CompletableFuture.completedFuture(
                    Json.object().put("text", call.params().optionalString("text").orElse(""))))
            .build();

    static LongStream seeds() {
        return LongStream.range(0, 200);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void json_lines_split_anywhere_get_the_same_answers(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        int requests = 1 + random.nextInt(20);
        for (int id = 1; id <= requests; id++) {
            String line = random.nextBoolean()
                    ? "{\"id\":" + id + ",\"method\":\"ping\"}"
                    : random.nextInt(5) == 0 ? "{\"id\":" + id + ",\"method\":\"echo\",\"params\":{\"text\":" + id + "}}"
                    : "{\"id\":" + id + ",\"method\":\"echo\",\"params\":{\"text\":\"" + "é\\n\\u00e9".repeat(random.nextInt(30)) + "\"}}";
            stream.writeBytes((line + (random.nextBoolean() ? "\r\n" : "\n")).getBytes(StandardCharsets.UTF_8));
        }
        assertSameAnswers(stream.toByteArray(), random, seed);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void binary_frames_split_anywhere_get_the_same_answers(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        int requests = 1 + random.nextInt(20);
        for (int id = 1; id <= requests; id++) {
            byte[] payload = (random.nextBoolean() ? "{\"method\":\"ping\"}"
                    : "{\"method\":\"echo\",\"params\":{\"text\":\"" + "x".repeat(random.nextInt(200)) + "\"}}")
                    .getBytes(StandardCharsets.UTF_8);
            ByteBuffer header = ByteBuffer.allocate(FrameHeader.LENGTH);
            new FrameHeader(FrameKind.REQUEST, id, true, payload.length).encode(header);
            stream.writeBytes(header.array());
            stream.writeBytes(payload);
        }
        assertSameAnswers(stream.toByteArray(), random, seed);
    }

    private static void assertSameAnswers(byte[] stream, SplittableRandom random, long seed) {
        byte[] whole = answers(stream, new int[] {stream.length});
        int[] cuts = new int[1 + random.nextInt(Math.min(stream.length, 40))];
        for (int i = 0; i < cuts.length - 1; i++) {
            cuts[i] = random.nextInt(stream.length + 1);
        }
        cuts[cuts.length - 1] = stream.length;
        java.util.Arrays.sort(cuts);
        assertThat(answers(stream, cuts)).as("seed %d, reads ending at %s", seed, java.util.Arrays.toString(cuts))
                .isEqualTo(whole);
        assertThat(whole).as("every request answered").isNotEmpty();
    }

    /** Feeds {@code stream} in reads ending at each cut; returns every byte written back. */
    private static byte[] answers(byte[] stream, int[] cuts) {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.pipeline().addLast(new IpcChannelInitializer(new IpcLimits(4096, 4096, Duration.ofSeconds(60)),
                new DefaultChannelGroup(ImmediateEventExecutor.INSTANCE), METHODS, 0));
        int from = 0;
        for (int cut : cuts) {
            if (cut > from) {
                channel.writeInbound(Unpooled.wrappedBuffer(stream, from, cut - from));
                from = cut;
            }
        }
        channel.runPendingTasks();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Object written;
        while ((written = channel.readOutbound()) != null) {
            ByteBuf bytes = (ByteBuf) written;
            byte[] copy = new byte[bytes.readableBytes()];
            bytes.readBytes(copy);
            bytes.release();
            out.writeBytes(copy);
        }
        channel.finishAndReleaseAll();
        return out.toByteArray();
    }
}
