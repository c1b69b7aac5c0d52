package dev.wok.protocol.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wok.protocol.ProtocolException;
import dev.wok.protocol.binary.BinaryFrames;
import dev.wok.protocol.binary.FrameHeader;
import dev.wok.protocol.client.DaemonUnavailableException.Reason;
import dev.wok.protocol.message.ErrorReply;
import dev.wok.protocol.message.Event;
import dev.wok.protocol.message.Message;
import dev.wok.protocol.message.Request;
import dev.wok.protocol.message.Response;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * A small blocking client for wokd over the JDK's own Unix-domain {@link SocketChannel}, speaking
 * binary frames. Several threads may share one client: requests are multiplexed by id, and whichever
 * thread reads a frame files it under its request id for the thread that waits for it.
 */
public final class WokClient implements AutoCloseable {
    private final SocketChannel channel;
    private final Selector readSelector;
    private final Selector writeSelector;
    private final int maxPayload;
    private final AtomicLong nextId = new AtomicLong(1);
    private final ReentrantLock writeLock = new ReentrantLock();
    private final ReentrantLock readLock = new ReentrantLock();
    private final Map<Long, ArrayDeque<Message>> inbox = new ConcurrentHashMap<>();
    private final ByteBuffer headerBuffer = ByteBuffer.allocate(FrameHeader.LENGTH);

    private WokClient(SocketChannel channel, int maxPayload) throws IOException {
        this.channel = channel;
        this.maxPayload = maxPayload;
        this.readSelector = Selector.open();
        this.writeSelector = Selector.open();
        channel.register(readSelector, SelectionKey.OP_READ);
        channel.register(writeSelector, SelectionKey.OP_WRITE);
    }

    public static WokClient connect(Path socket, Duration timeout) throws IOException {
        if (!Files.exists(socket)) {
            throw new DaemonUnavailableException(Reason.NOT_RUNNING, "wokd is not running (no socket at " + socket + ")", null);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.configureBlocking(false);
            boolean connected = tryConnect(channel, socket, deadline);
            if (!connected) {
                try (Selector selector = Selector.open()) {
                    channel.register(selector, SelectionKey.OP_CONNECT);
                    while (!channel.finishConnect()) {
                        selector.select(remainingMillis(deadline, socket));
                        selector.selectedKeys().clear();
                    }
                }
            }
            return new WokClient(channel, FrameHeader.DEFAULT_MAX_PAYLOAD);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw classify(e, socket);
        }
    }

    private static boolean tryConnect(SocketChannel channel, Path socket, long deadline) throws IOException {
        while (true) {
            try {
                return channel.connect(UnixDomainSocketAddress.of(socket));
            } catch (IOException e) {
                // A full listen backlog makes a non-blocking connect fail with EAGAIN: the daemon is busy, not gone.
                if (e.getMessage() == null || !e.getMessage().contains("temporarily unavailable")) {
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

    private static IOException classify(Exception e, Path socket) {
        if (e instanceof DaemonUnavailableException d) {
            return d;
        }
        String message = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
        if (message.contains("refused")) {
            return new DaemonUnavailableException(Reason.STALE_SOCKET,
                    "wokd is not running (stale socket at " + socket + ", nobody is listening)", e);
        }
        if (message.contains("no such file")) {
            return new DaemonUnavailableException(Reason.NOT_RUNNING, "wokd is not running (no socket at " + socket + ")", e);
        }
        if (e instanceof AccessDeniedException || message.contains("permission denied")) {
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

    /** Calls a streaming method: each event goes to {@code events}, then the final result is returned. */
    public JsonNode call(String method, ObjectNode params, Duration timeout, Consumer<Event> events)
            throws IOException, DaemonErrorException {
        long id = send(method, params);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Message message = next(id, deadline);
            if (message instanceof Response r) {
                return r.result();
            } else if (message instanceof ErrorReply e) {
                throw new DaemonErrorException(e);
            } else if (message instanceof Event e) {
                events.accept(e);
            }
        }
    }

    /** Sends a request without waiting and returns its id, for {@link #next}. */
    public long send(String method, ObjectNode params) throws IOException {
        long id = nextId.getAndUpdate(n -> n >= FrameHeader.MAX_REQUEST_ID ? 1 : n + 1);
        inbox.put(id, new ArrayDeque<>());
        ByteBuffer frame = ByteBuffer.wrap(BinaryFrames.encode(new Request(LongNode.valueOf(id), method, params)));
        writeLock.lock();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (frame.hasRemaining()) {
                if (channel.write(frame) == 0) {
                    waitFor(writeSelector, deadline);
                }
            }
        } catch (IOException e) {
            inbox.remove(id);
            throw lost(e);
        } finally {
            writeLock.unlock();
        }
        return id;
    }

    /** The next message for request {@code id}: an event, or the response or error that ends it. */
    public Message next(long id, long deadlineNanos) throws IOException {
        ArrayDeque<Message> queue = inbox.get(id);
        if (queue == null) {
            throw new IllegalStateException("no request " + id + " in flight");
        }
        while (true) {
            synchronized (queue) {
                Message message = queue.poll();
                if (message != null) {
                    if (message.last()) {
                        inbox.remove(id);
                    }
                    return message;
                }
            }
            long waitNanos = deadlineNanos - System.nanoTime();
            boolean locked;
            try {
                locked = waitNanos > 0 && readLock.tryLock(waitNanos, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DaemonUnavailableException(Reason.NOT_ANSWERING, "interrupted while waiting for wokd", e);
            }
            if (!locked) {
                throw new DaemonUnavailableException(Reason.NOT_ANSWERING, "wokd did not answer in time", null);
            }
            try {
                if (queue.isEmpty()) {
                    readOneFrame(deadlineNanos);
                }
            } finally {
                readLock.unlock();
            }
        }
    }

    private void readOneFrame(long deadline) throws IOException {
        headerBuffer.clear();
        fill(headerBuffer, deadline);
        headerBuffer.flip();
        FrameHeader header;
        try {
            header = FrameHeader.decode(headerBuffer, maxPayload);
        } catch (ProtocolException e) {
            close();
            throw new IOException("wokd sent a frame this client cannot read: " + e.getMessage(), e);
        }
        ByteBuffer payload = ByteBuffer.allocate(header.payloadLength());
        fill(payload, deadline);
        Message message;
        try {
            message = BinaryFrames.decodeReply(header, payload.array(), 0, payload.capacity());
        } catch (ProtocolException e) {
            close();
            throw new IOException("wokd sent a payload this client cannot read: " + e.getMessage(), e);
        }
        ArrayDeque<Message> queue = inbox.get(header.requestId());
        if (queue == null && message instanceof ErrorReply error) {
            // An error about no request in particular (a refused connection): every waiter gets it.
            inbox.values().forEach(q -> {
                synchronized (q) {
                    q.add(error);
                }
            });
            return;
        }
        if (queue != null) {
            synchronized (queue) {
                queue.add(message);
            }
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
                waitFor(readSelector, deadline);
            }
        }
    }

    private static void waitFor(Selector selector, long deadline) throws IOException {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
            throw new DaemonUnavailableException(Reason.NOT_ANSWERING, "wokd did not answer in time", null);
        }
        selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining)));
        selector.selectedKeys().clear();
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
            readSelector.close();
            writeSelector.close();
            channel.close();
        } catch (IOException ignored) {
            // Closing a Unix socket we own cannot fail in a way the caller could act on.
        }
    }
}
