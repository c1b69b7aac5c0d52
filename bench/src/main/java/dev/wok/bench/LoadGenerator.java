package dev.wok.bench;

import dev.wok.protocol.binary.FrameHeader;
import dev.wok.protocol.binary.FrameKind;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Closed-loop load: each client thread sends one request, waits for its answer, repeats, for a fixed
 * time after a warm-up. Records every round trip's latency. Same client code for wokd and the echo
 * reference, so the difference is the server.
 */
final class LoadGenerator {
    enum Framing { LINES, FRAMES }

    /** @param serverCpuSeconds the server's CPU time (user + system) over the measured window, NaN if not measured */
    record Result(long requests, double seconds, long[] latenciesNanos, double serverCpuSeconds) {
        Result(long requests, double seconds, long[] latenciesNanos) {
            this(requests, seconds, latenciesNanos, Double.NaN);
        }

        double throughput() {
            return requests / seconds;
        }

        /** The server's CPU time per request answered: steadier than req/s when client and server share the cores. */
        double serverCpuMicrosPerRequest() {
            return serverCpuSeconds * 1e6 / requests;
        }

        double percentileMicros(double p) {
            if (latenciesNanos.length == 0) {
                return Double.NaN;
            }
            int index = (int) Math.min(latenciesNanos.length - 1, Math.ceil(p / 100.0 * latenciesNanos.length) - 1);
            return latenciesNanos[Math.max(0, index)] / 1000.0;
        }
    }

    private LoadGenerator() {}

    static Result run(Path socket, Framing framing, String method, int clients, Duration warmup, Duration measure)
            throws Exception {
        return run(socket, framing, method, clients, warmup, measure, -1);
    }

    /** The same, also reading the CPU time process {@code serverPid} spends during the measured window. */
    static Result run(Path socket, Framing framing, String method, int clients, Duration warmup, Duration measure,
            long serverPid) throws Exception {
        AtomicBoolean recording = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(clients);
        List<long[]> perClient = new ArrayList<>();
        long[] counts = new long[clients];
        Throwable[] failure = new Throwable[1];
        for (int c = 0; c < clients; c++) {
            int clientNo = c;
            long[] latencies = new long[4_000_000 / clients + 1000];
            perClient.add(latencies);
            Thread thread = new Thread(() -> {
                try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                    channel.connect(UnixDomainSocketAddress.of(socket));
                    byte[] request = request(framing, method);
                    ByteBuffer in = ByteBuffer.allocate(64 * 1024);
                    int n = 0;
                    while (!stop.get()) {
                        long begin = System.nanoTime();
                        channel.write(ByteBuffer.wrap(request));
                        readOne(channel, in, framing);
                        long took = System.nanoTime() - begin;
                        if (recording.get() && n < latencies.length) {
                            latencies[n++] = took;
                        }
                    }
                    counts[clientNo] = n;
                } catch (Throwable t) {
                    failure[0] = t;
                } finally {
                    done.countDown();
                }
            }, "load-" + c);
            thread.setDaemon(true);
            thread.start();
        }
        Thread.sleep(warmup.toMillis());
        double cpuBefore = Processes.cpuSeconds(serverPid);
        recording.set(true);
        long begin = System.nanoTime();
        Thread.sleep(measure.toMillis());
        recording.set(false);
        double seconds = (System.nanoTime() - begin) / 1e9;
        double serverCpu = Processes.cpuSeconds(serverPid) - cpuBefore;
        stop.set(true);
        done.await();
        if (failure[0] != null) {
            throw new IllegalStateException("a load client failed", failure[0]);
        }
        long total = Arrays.stream(counts).sum();
        long[] all = new long[(int) total];
        int at = 0;
        for (int c = 0; c < clients; c++) {
            System.arraycopy(perClient.get(c), 0, all, at, (int) counts[c]);
            at += (int) counts[c];
        }
        Arrays.sort(all);
        return new Result(total, seconds, all, serverCpu);
    }

    /** Sends {@code total} requests from {@code clients} threads, each waiting for its answer; binary frames. */
    static Result runCount(Path socket, String method, int clients, int total) throws Exception {
        long[] counts = new long[clients];
        Throwable[] failure = new Throwable[1];
        CountDownLatch done = new CountDownLatch(clients);
        long begin = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            int clientNo = c;
            int share = total / clients + (c < total % clients ? 1 : 0);
            Thread thread = new Thread(() -> {
                try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                    channel.connect(UnixDomainSocketAddress.of(socket));
                    byte[] request = request(Framing.FRAMES, method);
                    ByteBuffer in = ByteBuffer.allocate(64 * 1024);
                    for (int i = 0; i < share; i++) {
                        channel.write(ByteBuffer.wrap(request));
                        readOne(channel, in, Framing.FRAMES);
                        counts[clientNo]++;
                    }
                } catch (Throwable t) {
                    failure[0] = t;
                } finally {
                    done.countDown();
                }
            }, "fill-" + c);
            thread.setDaemon(true);
            thread.start();
        }
        done.await();
        if (failure[0] != null) {
            throw new IllegalStateException("a load client failed", failure[0]);
        }
        return new Result(Arrays.stream(counts).sum(), (System.nanoTime() - begin) / 1e9, new long[0]);
    }

    /** @param method a method name, or a whole request object (with params) when it starts with '{' */
    private static byte[] request(Framing framing, String method) {
        String json = method.startsWith("{") ? method : "{\"id\":1,\"method\":\"" + method + "\"}";
        if (framing == Framing.LINES) {
            return (json + "\n").getBytes(StandardCharsets.UTF_8);
        }
        byte[] payload = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer frame = ByteBuffer.allocate(FrameHeader.LENGTH + payload.length);
        new FrameHeader(FrameKind.REQUEST, 1, true, payload.length).encode(frame);
        return frame.put(payload).array();
    }

    /** Reads exactly one answer: up to a newline, or one header and its payload. */
    private static void readOne(SocketChannel channel, ByteBuffer in, Framing framing) throws IOException {
        in.clear();
        if (framing == Framing.LINES) {
            while (true) {
                int before = in.position();
                if (channel.read(in) < 0) {
                    throw new IOException("server closed the connection");
                }
                for (int i = before; i < in.position(); i++) {
                    if (in.get(i) == '\n') {
                        return;
                    }
                }
            }
        }
        while (in.position() < FrameHeader.LENGTH) {
            if (channel.read(in) < 0) {
                throw new IOException("server closed the connection");
            }
        }
        int length = in.getInt(12);
        while (in.position() < FrameHeader.LENGTH + length) {
            if (channel.read(in) < 0) {
                throw new IOException("server closed the connection");
            }
        }
    }
}
