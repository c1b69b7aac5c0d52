package dev.wok.daemon.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wok.protocol.Json;
import dev.wok.protocol.binary.FrameHeader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A test client that writes exactly the bytes it is given and reads with deadlines, so tests can send
 * split, malformed or truncated input and see precisely what wokd answers.
 */
public final class RawClient implements AutoCloseable {
    public static final Duration WAIT = Duration.ofSeconds(10);

    private final SocketChannel channel;
    private final Selector selector;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    private RawClient(SocketChannel channel) throws IOException {
        this.channel = channel;
        this.selector = Selector.open();
        channel.configureBlocking(false);
        channel.register(selector, SelectionKey.OP_READ);
    }

    public static RawClient connect(Path socket) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(socket));
        return new RawClient(channel);
    }

    public RawClient send(byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        return this;
    }

    public RawClient send(String text) throws IOException {
        return send(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The next line, without its newline; fails if none arrives within {@link #WAIT}. */
    public String readLine() throws IOException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            byte[] seen = pending.toByteArray();
            for (int i = 0; i < seen.length; i++) {
                if (seen[i] == '\n') {
                    pending.reset();
                    pending.write(seen, i + 1, seen.length - i - 1);
                    return new String(seen, 0, i, StandardCharsets.UTF_8);
                }
            }
            if (readMore(deadline) < 0) {
                throw new IOException("connection closed before a full line; got: " + new String(seen, StandardCharsets.UTF_8));
            }
        }
    }

    public JsonNode readJson() throws IOException {
        return Json.mapper().readTree(readLine());
    }

    /** The next binary frame: its header and its payload parsed as JSON. */
    public Frame readFrame() throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (pending.size() < FrameHeader.LENGTH) {
            if (readMore(deadline) < 0) {
                throw new IOException("connection closed before a frame header");
            }
        }
        FrameHeader header = FrameHeader.decode(ByteBuffer.wrap(pending.toByteArray(), 0, FrameHeader.LENGTH), Integer.MAX_VALUE);
        while (pending.size() < FrameHeader.LENGTH + header.payloadLength()) {
            if (readMore(deadline) < 0) {
                throw new IOException("connection closed inside a frame payload");
            }
        }
        byte[] all = pending.toByteArray();
        int end = FrameHeader.LENGTH + header.payloadLength();
        pending.reset();
        pending.write(all, end, all.length - end);
        return new Frame(header, Json.mapper().readTree(all, FrameHeader.LENGTH, header.payloadLength()));
    }

    /** Whether anything (bytes, or the end of the stream) has come from the daemon, without waiting. */
    public boolean hasInput() throws IOException {
        if (pending.size() > 0) {
            return true;
        }
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        int n = channel.read(buffer);
        if (n > 0) {
            pending.write(buffer.array(), 0, n);
        }
        return n != 0;
    }

    /** True once the daemon has closed the connection (whatever it sent first is kept for reading). */
    public boolean awaitClosed() throws IOException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            int n;
            try {
                n = readMore(deadline);
            } catch (IOException e) {
                return e.getMessage() != null && e.getMessage().contains("reset");
            }
            if (n < 0) {
                return true;
            }
        }
    }

    private int readMore(long deadline) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        while (true) {
            int n = channel.read(buffer);
            if (n != 0) {
                if (n > 0) {
                    pending.write(buffer.array(), 0, n);
                }
                return n;
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                throw new IOException("timed out waiting for the daemon");
            }
            selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining)));
            selector.selectedKeys().clear();
        }
    }

    @Override
    public void close() throws IOException {
        selector.close();
        channel.close();
    }

    public record Frame(FrameHeader header, JsonNode payload) {}
}
