package dev.wok.daemon.upstream;

import dev.wok.daemon.config.UpstreamConfig;
import dev.wok.protocol.WokVersion;
import dev.wok.protocol.upstream.UpstreamMessage;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's upstream side: one event-loop thread that runs the connection manager and its
 * WebSocket connections. A config reload replaces the manager; watchers carry over.
 */
public final class Upstream implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Upstream.class);

    private final EventLoopGroup loop;
    private final Scheduler scheduler;
    private final String clientId;
    private final List<Consumer<ConnectionSnapshot>> watchers = new CopyOnWriteArrayList<>();
    private volatile ConnectionManager manager;
    private volatile UpstreamConfig config;

    private Upstream(EventLoopGroup loop, String clientId) {
        this.loop = loop;
        this.scheduler = new EventLoopScheduler(loop.next(), Clock.systemUTC());
        this.clientId = clientId;
    }

    public static Upstream start(UpstreamConfig config, Path stateDir) throws IOException {
        String clientId = ClientId.load(stateDir);
        EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("wokd-upstream", true),
                NioIoHandler.newFactory());
        Upstream upstream = new Upstream(loop, clientId);
        upstream.install(config);
        return upstream;
    }

    private void install(UpstreamConfig newConfig) {
        config = newConfig;
        WebSocketTransport transport = new WebSocketTransport(newConfig, loop,
                () -> new UpstreamMessage.Hello(clientId, 0, 0, null, WokVersion.version()));
        ConnectionManager next = new ConnectionManager(newConfig, transport, scheduler, new SplittableRandom());
        next.watch(snapshot -> {
            if (manager == next) {
                watchers.forEach(w -> w.accept(snapshot));
            }
        });
        manager = next;
        next.start();
        log.info("upstream: {}", newConfig.redactedUrl().map(u -> "syncing with " + u).orElse("none configured; sync disabled"));
    }

    public ConnectionSnapshot snapshot() {
        return manager.snapshot();
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    public void connect() {
        manager.connect();
    }

    public void disconnect() {
        manager.disconnect();
    }

    /** Every snapshot from now on, across reloads; returns the way to stop. Must not block. */
    public Runnable watch(Consumer<ConnectionSnapshot> watcher) {
        watchers.add(watcher);
        return () -> watchers.remove(watcher);
    }

    /** Applies a reloaded config: a changed upstream gets a fresh manager; an unchanged one retries if it had failed. */
    public void reload(UpstreamConfig newConfig) {
        if (newConfig.equals(config)) {
            manager.connect();
            return;
        }
        ConnectionManager old = manager;
        old.shutdown();
        install(newConfig);
    }

    @Override
    public void close() {
        manager.shutdown();
        loop.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
