package dev.wok.bench;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wok.protocol.Json;
import dev.wok.protocol.RawJson;
import dev.wok.protocol.message.Event;
import dev.wok.protocol.message.Message;
import dev.wok.protocol.message.MessageJson;
import dev.wok.protocol.message.Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;

/**
 * What writing one answer costs wokd, on one thread: the streaming writer every answer now goes through,
 * beside the way answers were written before (an envelope tree serialised by an ObjectWriter, after a deep
 * copy of the result) and beside the floor (Jackson writing the answer's own tree with a generator and
 * nothing else). Time and bytes allocated per message; one core, no sockets, so the figures repeat far
 * better than the 100-client load rows.
 *
 * <pre>java -cp bench/target/wok-bench.jar:bench/target/lib/* dev.wok.bench.EncodeBench [seconds]</pre>
 */
public final class EncodeBench {
    private static final String STATUS = "{\"state\":\"connected\",\"state_detail\":\"connected\",\"attempt\":0,"
            + "\"max_attempts\":10,\"next_retry_in_ms\":null,\"upstream_url\":\"ws://127.0.0.1:7890/sync\","
            + "\"connected_since\":\"2026-12-02T15:00:00.123456789Z\",\"last_heartbeat_at\":\"2026-12-02T16:00:00.1Z\","
            + "\"rtt_ms\":0.412,\"last_error\":null,\"pending\":0,\"acked\":12345,\"last_seq\":67890,"
            + "\"version\":\"0.1.0\",\"pid\":4242,\"started_at\":\"2026-12-02T15:00:00Z\",\"uptime_ms\":3600000,"
            + "\"clients\":3,\"heap_used_bytes\":5600000,\"heap_max_bytes\":134217728,\"rss_bytes\":99000000,"
            + "\"socket\":\"/run/user/1000/wok/wokd.sock\",\"log\":\"/home/u/.local/state/wok/wokd.log\","
            + "\"transport\":\"epoll\"}";

    private EncodeBench() {}

    private interface Writer {
        void write(Message message, ByteArrayOutputStream out) throws IOException;
    }

    public static void main(String[] args) throws Exception {
        long seconds = args.length > 0 ? Long.parseLong(args[0]) : 3;
        JsonNode status = Json.mapper().readTree(STATUS);
        ObjectNode pong = Json.object();
        pong.put("pong", true);
        ObjectNode entry = Json.object();
        entry.put("seq", 67890);
        entry.put("client", "c0ffee00-1234");
        entry.put("cseq", 17);
        entry.putRawValue(RawJson.BODY, RawJson.value("{\"text\":\"an op of about a hundred bytes, as a note-taking tool would push it\"}"));
        List<Message> messages = List.of(new Response(LongNode.valueOf(1), status), new Response(LongNode.valueOf(2), pong),
                new Event(LongNode.valueOf(3), entry));
        String[] names = {"status answer", "ping answer", "log event"};

        Writer floor = (message, out) -> {
            try (JsonGenerator json = Json.mapper().createGenerator(out)) {
                json.writeTree(message instanceof Response r ? r.result() : ((Event) message).body());
            }
        };
        Writer before = (message, out) -> {
            Message copied = message instanceof Response r ? new Response(r.id(), r.result().deepCopy())
                    : new Event(message.id(), ((Event) message).body().deepCopy());
            Json.treeWriter().writeValue(out, MessageJson.toJson(copied));
        };
        Writer now = MessageJson::write;

        System.out.println("| message | writer | ns/message | bytes allocated/message | bytes written |");
        System.out.println("|---|---|---:|---:|---:|");
        for (int i = 0; i < messages.size(); i++) {
            for (int round = 0; round < 2; round++) {
                boolean print = round == 1; // the first round warms all three up
                run(names[i], "Jackson, the answer's own tree (floor, ref)", floor, messages.get(i), seconds, print);
                run(names[i], "envelope tree + ObjectWriter + deep copy (before)", before, messages.get(i), seconds, print);
                run(names[i], "MessageJson.write (now)", now, messages.get(i), seconds, print);
            }
        }
    }

    private static void run(String name, String writer, Writer w, Message message, long seconds, boolean print) throws IOException {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        long count = 0;
        long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
        long begin = System.nanoTime();
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < 1000; i++) {
                out.reset();
                w.write(message, out);
            }
            count += 1000;
        }
        long took = System.nanoTime() - begin;
        long allocated = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;
        if (print) {
            System.out.printf(Locale.ROOT, "| %s | %s | %.0f | %d | %d |%n", name, writer, (double) took / count,
                    allocated / count, out.size());
        }
    }
}
