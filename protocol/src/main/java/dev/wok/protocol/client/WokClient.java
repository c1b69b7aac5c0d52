package dev.wok.protocol.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wok.protocol.ErrorCode;
import dev.wok.protocol.ProtocolException;
import dev.wok.protocol.binary.BinaryFrames;
import dev.wok.protocol.binary.FrameHeader;
import dev.wok.protocol.client.DaemonUnavailableException.Reason;
import dev.wok.protocol.jsonlines.JsonLines;
import dev.wok.protocol.message.ErrorReply;
import dev.wok.protocol.message.Event;
import dev.wok.protocol.message.Message;
import dev.wok.protocol.message.Request;
import dev.wok.protocol.message.Response;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A small blocking client for wokd over the JDK's own Unix-domain {@link SocketChannel}, speaking binary
 * frames, one call at a time, with a deadline on connecting and on each answer. Not for sharing between
 * threads: open one per thread.
 */
public final class WokClient implements AutoCloseable {
    private final SocketChannel channel;
    private final Selector selector;
    private final int maxPayload;
    private final ByteBuffer headerBuffer = ByteBuffer.allocate(FrameHeader.LENGTH);
    private long nextId = 1;

    private WokClient(SocketChannel channel, Selector selector, int maxPayload) {
        this.channel = channel;
        this.selector = selector;
        this.maxPayload = maxPayload;
    }

    public static WokClient connect(Path socket, Duration timeout) throws IOException {
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            throw new DaemonUnavailableException(Reason.NOT_RUNNING, "wokd is not running (no socket at " + socket + ")", null);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        Selector selector = null;
        try {
            channel.configureBlocking(false);
            selector = Selector.open();
            if (!startConnect(channel, socket, deadline)) {
                SelectionKey key = channel.register(selector, SelectionKey.OP_CONNECT);
                while (!channel.finishConnect()) {
                    selector.select(remainingMillis(deadline, socket));
                    selector.selectedKeys().clear();
                }
                key.cancel();
                selector.selectNow();
            }
            PeerCheck.servedByThisUser(channel, socket);
            return new WokClient(channel, selector, FrameHeader.DEFAULT_MAX_PAYLOAD);
        } catch (IOException | RuntimeException e) {
            channel.close();
            if (selector != null) {
                selector.close();
            }
            throw classify(e, socket);
        }
    }

    private static boolean startConnect(SocketChannel channel, Path socket, long deadline) throws IOException {
        while (true) {
            try {
                return channel.connect(UnixDomainSocketAddress.of(socket));
            } catch (SocketException e) {
                if (!backlogFull(e)) {
                    throw e;
                }
                remainingMillis(deadline, socket);
                try {
                    Thread.sleep(2);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new DaemonUnavailableException(Reason.NOT_ANSWERING, "interrupted while connecting", interrupted);
                }
            }
        }
    }

    /**
     * A non-blocking connect to a Unix socket whose listen backlog is full fails with EAGAIN: the daemon
     * is busy, not gone. The JDK gives that errno no exception type of its own, only its text.
     */
    private static boolean backlogFull(SocketException e) {
        return e.getMessage() != null && e.getMessage().toLowerCase(Locale.ROOT).contains("temporarily unavailable");
    }

    /** Why connecting failed, told by the exception's type and the socket file, not by message text. */
    private static IOException classify(Exception e, Path socket) {
        if (e instanceof DaemonUnavailableException d) {
            return d;
        }
        if (e instanceof ConnectException) {
            return new DaemonUnavailableException(Reason.STALE_SOCKET,
                    "wokd is not running (stale socket at " + socket + ", nobody is listening)", e);
        }
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            return new DaemonUnavailableException(Reason.NOT_RUNNING, "wokd is not running (no socket at " + socket + ")", e);
        }
        if (!Files.isWritable(socket)) {
            return new DaemonUnavailableException(Reason.ACCESS_DENIED,
                    "permission denied on " + socket + ": the socket belongs to another user", e);
        }
        return new DaemonUnavailableException(Reason.NOT_ANSWERING, "cannot connect to wokd at " + socket + ": " + e.getMessage(), e);
    }

    private static long remainingMillis(long deadline, Path socket) throws DaemonUnavailableException {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
            throw new DaemonUnavailableException(Reason.NOT_ANSWERING, "wokd at " + socket + " did not accept the connection in time", null);
        }
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining));
    }

    /** Calls a method and returns its result. */
    public JsonNode call(String method, ObjectNode params, Duration timeout) throws IOException, DaemonErrorException {
        return call(method, params, timeout, event -> {});
    }

    /**
     * Calls a streaming method: each event goes to {@code events}, then the final result is returned.
     * {@code timeout} bounds the whole call.
     */
    public JsonNode call(String method, ObjectNode params, Duration timeout, Consumer<Event> events)
            throws IOException, DaemonErrorException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long id = nextId;
        nextId = nextId >= FrameHeader.MAX_REQUEST_ID ? 1 : nextId + 1;
        write(ByteBuffer.wrap(BinaryFrames.encode(new Request(LongNode.valueOf(id), method, params))), deadline);
        while (true) {
            Message message = readFrame(deadline);
            if (message.id().asLong() != id && !(message instanceof ErrorReply && message.id().isNull())) {
                continue; // an answer to an earlier call that was given up on
            }
            if (message instanceof Response r) {
                return r.result();
            } else if (message instanceof ErrorReply e) {
                throw new DaemonErrorException(e);
            } else if (message instanceof Event e) {
                events.accept(e);
            }
        }
    }

    private void write(ByteBuffer frame, long deadline) throws IOException {
        try {
            while (frame.hasRemaining()) {
                if (channel.write(frame) == 0) {
                    waitFor(SelectionKey.OP_WRITE, deadline);
                }
            }
        } catch (DaemonUnavailableException e) {
            throw e;
        } catch (IOException e) {
            throw lost(e);
        }
    }

    private static final int REFUSAL_LIMIT = 64 * 1024;

    private Message readFrame(long deadline) throws IOException {
        headerBuffer.clear();
        fill(headerBuffer, deadline);
        headerBuffer.flip();
        if (headerBuffer.get(0) == '{') {
            throw refusal(deadline);
        }
        FrameHeader header;
        try {
            header = FrameHeader.decode(headerBuffer, maxPayload);
        } catch (ProtocolException e) {
            close();
            throw new IOException("wokd sent a frame this client cannot read: " + e.getMessage(), e);
        }
        ByteBuffer payload = ByteBuffer.allocate(header.payloadLength());
        fill(payload, deadline);
        try {
            return BinaryFrames.decodeReply(header, payload.array(), 0, payload.capacity());
        } catch (ProtocolException e) {
            close();
            throw new IOException("wokd sent a payload this client cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * Before it has seen our first bytes wokd can only answer in its plain framing, a JSON line: that is
     * how it refuses a client (another uid, say). The line is read to its end and its reason passed on.
     */
    private IOException refusal(long deadline) throws IOException {
        java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
        line.write(headerBuffer.array(), 0, headerBuffer.limit());
        ByteBuffer one = ByteBuffer.allocate(1);
        byte last = headerBuffer.get(headerBuffer.limit() - 1);
        while (line.size() < REFUSAL_LIMIT && last != '\n') {
            one.clear();
            try {
                fill(one, deadline);
            } catch (DaemonUnavailableException closed) {
                break; // the line ends with the connection
            }
            last = one.get(0);
            line.write(last);
        }
        close();
        byte[] bytes = line.toByteArray();
        try {
            JsonNode error = JsonLines.parse(bytes, 0, bytes.length).path("error");
            String message = error.path("message").asText("");
            if (error.path("code").asInt() == ErrorCode.PERMISSION_DENIED.code()) {
                return new DaemonUnavailableException(Reason.ACCESS_DENIED, "wokd refused this client: " + message, null);
            }
            return new IOException("wokd refused the connection: " + message);
        } catch (ProtocolException e) {
            return new IOException("the socket answered with something that is not wokd's protocol", e);
        }
    }

    private void fill(ByteBuffer buffer, long deadline) throws IOException {
        while (buffer.hasRemaining()) {
            int n;
            try {
                n = channel.read(buffer);
            } catch (IOException e) {
                throw lost(e);
            }
            if (n < 0) {
                throw new DaemonUnavailableException(Reason.CONNECTION_LOST, "wokd closed the connection", null);
            }
            if (n == 0) {
                waitFor(SelectionKey.OP_READ, deadline);
            }
        }
    }

    private void waitFor(int operation, long deadline) throws IOException {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
            throw new DaemonUnavailableException(Reason.NOT_ANSWERING, "wokd did not answer in time", null);
        }
        SelectionKey key = channel.register(selector, operation);
        selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining)));
        selector.selectedKeys().clear();
        key.interestOps(0);
    }

    private static DaemonUnavailableException lost(IOException e) {
        if (e instanceof DaemonUnavailableException d) {
            return d;
        }
        return new DaemonUnavailableException(Reason.CONNECTION_LOST, "lost the connection to wokd: " + e.getMessage(), e);
    }

    @Override
    public void close() {
        try {
            selector.close();
            channel.close();
        } catch (IOException ignored) {
            // Closing a Unix socket we own cannot fail in a way the caller could act on.
        }
    }
}
