package dev.wok.daemon.ipc;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One "client went away" stage per connection, made the first time a call asks for it. Registering a
 * close listener per request instead would pile up listeners on a long-lived connection.
 */
final class ClientGone {
    private static final AttributeKey<CompletableFuture<Void>> KEY = AttributeKey.valueOf("wok.clientGone");

    private ClientGone() {}

    static CompletionStage<Void> of(Channel channel) {
        CompletableFuture<Void> gone = channel.attr(KEY).get();
        if (gone == null) {
            CompletableFuture<Void> fresh = new CompletableFuture<>();
            gone = channel.attr(KEY).setIfAbsent(fresh);
            if (gone == null) {
                gone = fresh;
                channel.closeFuture().addListener(f -> fresh.complete(null));
            }
        }
        return gone;
    }
}
