package dev.wok.relay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wok.protocol.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A test WebSocket client on the JDK's own HTTP client: messages and the close code land in queues. */
final class WsClient implements AutoCloseable {
    final BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
    /** Every message's text as it arrived, for exact comparisons. */
    final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final WebSocket socket;

    private WsClient(WebSocket socket) {
        this.socket = socket;
    }

    static WsClient connect(URI uri, String token) throws Exception {
        WsClient[] holder = new WsClient[1];
        StringBuilder partial = new StringBuilder();
        WebSocket.Listener listener = new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    try {
                        holder[0].texts.add(partial.toString());
                        holder[0].messages.add(Json.mapper().readTree(partial.toString()));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    partial.setLength(0);
                }
                ws.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
                holder[0].closed.complete(statusCode);
                return null;
            }

            @Override
            public void onError(WebSocket ws, Throwable error) {
                holder[0].closed.completeExceptionally(error);
            }
        };
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder();
        if (token != null) {
            builder.header("Authorization", token.contains(" ") ? token : "Bearer " + token);
        }
        CompletableFuture<WebSocket> future = new CompletableFuture<>();
        holder[0] = null;
        WebSocket ws = builder.buildAsync(uri, new WebSocket.Listener() {
            @Override
            public void onOpen(WebSocket webSocket) {
                webSocket.request(1);
            }

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                return listener.onText(webSocket, data, last);
            }

            @Override
            public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                return listener.onClose(webSocket, statusCode, reason);
            }

            @Override
            public void onError(WebSocket webSocket, Throwable error) {
                listener.onError(webSocket, error);
            }
        }).get(10, TimeUnit.SECONDS);
        holder[0] = new WsClient(ws);
        return holder[0];
    }

    WsClient send(String json) throws Exception {
        socket.sendText(json, true).get(10, TimeUnit.SECONDS);
        return this;
    }

    /** One message in pieces: a text frame and continuation frames, as RFC 6455 allows. */
    WsClient sendFragmented(String json, int pieces) throws Exception {
        int step = Math.max(1, json.length() / pieces);
        for (int start = 0; start < json.length(); start += step) {
            int end = Math.min(json.length(), start + step);
            socket.sendText(json.substring(start, end), end == json.length()).get(10, TimeUnit.SECONDS);
        }
        return this;
    }

    WsClient sendBinary(byte[] bytes) throws Exception {
        socket.sendBinary(java.nio.ByteBuffer.wrap(bytes), true).get(10, TimeUnit.SECONDS);
        return this;
    }

    /** The next message's exact text (this queue holds every message, including those read with next()). */
    String nextText() throws InterruptedException {
        String text = texts.poll(10, TimeUnit.SECONDS);
        if (text == null) {
            throw new AssertionError("no message from the relay within 10 s");
        }
        return text;
    }

    JsonNode next() throws InterruptedException {
        JsonNode message = messages.poll(10, TimeUnit.SECONDS);
        if (message == null) {
            throw new AssertionError("no message from the relay within 10 s");
        }
        return message;
    }

    /** Next message of the given type, skipping others (for example events while waiting for an ack). */
    JsonNode next(String type) throws InterruptedException {
        while (true) {
            JsonNode message = next();
            if (type.equals(message.path("type").asText())) {
                return message;
            }
        }
    }

    int closeCode() throws Exception {
        return closed.get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        socket.abort();
    }
}
