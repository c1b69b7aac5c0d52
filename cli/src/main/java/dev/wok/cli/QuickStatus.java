package dev.wok.cli;

import dev.wok.protocol.JsonCore;
import dev.wok.protocol.ProtocolException;
import dev.wok.protocol.api.DaemonStatus;
import dev.wok.protocol.api.FieldSource;
import dev.wok.protocol.binary.FrameHeader;
import dev.wok.protocol.binary.FrameKind;
import dev.wok.protocol.client.PeerCheck;
import dev.wok.protocol.paths.Platform;
import dev.wok.protocol.paths.WokPaths;
import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * {@code wok status} and {@code wok status --json} when wokd answers, which is what scripts and prompts
 * run all the time: one request over a plain socket, the answer read with Jackson's streaming parser,
 * without picocli or Jackson's data binding (together most of the client's start-up). Anything else (no
 * daemon, an error, another option) returns false, and the full command line handles it as ever.
 */
final class QuickStatus {
    private static final byte[] REQUEST = request();
    /** Past this the full command takes over, with its own deadlines and messages. */
    private static final long ANSWER_WITHIN_MS = 3_000;

    private QuickStatus() {}

    /** Whether the arguments are ones this handles. */
    static boolean handles(String[] args) {
        return args.length == 1 && args[0].equals("status") || args.length == 2 && args[0].equals("status") && args[1].equals("--json");
    }

    /** Prints the status and returns true, or prints nothing and returns false. */
    static boolean run(String[] args, Map<String, String> env, PrintStream out) {
        WokPaths paths = WokPaths.resolve(env, Platform.current());
        byte[] payload;
        Helper helper = new Helper(System.nanoTime() + ANSWER_WITHIN_MS * 1_000_000);
        helper.start();
        try {
            paths.checkSocketPathLength();
            payload = ask(paths, helper);
        } catch (Exception e) {
            return false;
        } finally {
            helper.interrupt();
        }
        if (payload == null) {
            return false;
        }
        if (args.length == 2) {
            Optional<String> result = JsonCore.objectAt(payload, 0, payload.length, "result");
            if (result.isEmpty()) {
                return false;
            }
            out.println(result.get());
            out.flush();
            return true;
        }
        Optional<Map<String, Object>> result = JsonCore.flatObject(payload, 0, payload.length, "result");
        if (result.isEmpty()) {
            return false;
        }
        out.print(CliContext.statusView(env).render(DaemonStatus.readFrom(FieldSource.of(result.get()))));
        out.flush();
        return true;
    }

    private static byte[] request() {
        byte[] json = "{\"id\":1,\"method\":\"status\"}".getBytes(StandardCharsets.UTF_8);
        ByteBuffer frame = ByteBuffer.allocate(FrameHeader.LENGTH + json.length);
        new FrameHeader(FrameKind.REQUEST, 1, true, json.length).encode(frame);
        return frame.put(json).array();
    }

    /** The answer's payload, or null when there is none (the helper closes the channel at the deadline). */
    private static byte[] ask(WokPaths paths, Helper helper) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            helper.channel = channel;
            channel.connect(UnixDomainSocketAddress.of(paths.socket()));
            PeerCheck.servedByThisUser(channel, paths.socket()); // if not, the full command says so
            channel.write(ByteBuffer.wrap(REQUEST));
            ByteBuffer header = ByteBuffer.allocate(FrameHeader.LENGTH);
            fill(channel, header);
            header.flip();
            FrameHeader decoded;
            try {
                decoded = FrameHeader.decode(header, FrameHeader.DEFAULT_MAX_PAYLOAD);
            } catch (ProtocolException e) {
                return null;
            }
            if (decoded.kind() != FrameKind.RESPONSE || decoded.requestId() != 1) {
                return null;
            }
            ByteBuffer payload = ByteBuffer.allocate(decoded.payloadLength());
            fill(channel, payload);
            return payload.array();
        }
    }

    /**
     * Runs beside the main thread, which mostly waits: first sets up Jackson's parser (about a tenth of the
     * command's time, and the socket's set-up takes as long), then closes the channel if the answer has
     * not come by the deadline. Interrupted once the answer is in.
     */
    private static final class Helper extends Thread {
        private static final byte[] SAMPLE = "{\"result\":{\"state\":\"x\",\"n\":1,\"f\":1.5,\"b\":true,\"z\":null}}"
                .getBytes(StandardCharsets.UTF_8);
        private final long deadlineNanos;
        volatile SocketChannel channel;

        Helper(long deadlineNanos) {
            super("wok-status-helper");
            this.deadlineNanos = deadlineNanos;
            setDaemon(true);
        }

        @Override
        public void run() {
            JsonCore.flatObject(SAMPLE, 0, SAMPLE.length, "result");
            JsonCore.objectAt(SAMPLE, 0, SAMPLE.length, "result");
            try {
                Thread.sleep(Math.max(0, (deadlineNanos - System.nanoTime()) / 1_000_000));
                SocketChannel open = channel;
                if (open != null) {
                    open.close();
                }
            } catch (InterruptedException | IOException e) {
                // answered in time, or already closed
            }
        }
    }

    private static void fill(SocketChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new IOException("closed");
            }
        }
    }
}
