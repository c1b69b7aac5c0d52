package dev.wok.daemon.upstream;

import dev.wok.protocol.config.UpstreamConfig;
import dev.wok.protocol.WokVersion;
import dev.wok.protocol.upstream.UpstreamMessage;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.DnsServerAddressStreamProvider;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Clock;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's upstream side, assembled: one event-loop thread that is both the connection manager's
 * actor thread and the thread of its WebSocket connections and DNS queries, plus one thread where file
 * reads (token, trust store) may block. A config reload is a message to the manager, not a new manager.
 */
public final class Upstream implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Upstream.class);

    private final EventLoopGroup group;
    private final ExecutorService blocking;
    private final DnsAddressResolverGroup resolvers;
    private final ConnectionManager manager;

    private Upstream(EventLoopGroup group, ExecutorService blocking, DnsAddressResolverGroup resolvers,
                     ConnectionManager manager) {
        this.group = group;
        this.blocking = blocking;
        this.resolvers = resolvers;
        this.manager = manager;
    }

    /** What runs on each live connection, made once the connector's thread exists. */
    public interface SessionFactory {
        /** @return the session, and the hello each attempt sends (asked on the connector's thread) */
        Wiring make(Scheduler actor);
    }

    /** A session and where each attempt's hello comes from. */
    public record Wiring(ConnectionManager.Session session, Supplier<UpstreamMessage.Hello> hello,
                         java.util.function.Consumer<ConnectionManager> attach) {}

    /** A connector that only keeps the connection (no sync): tests and tools. */
    public static Upstream start(UpstreamConfig config, String clientId) {
        return start(config, clientId, Optional.empty());
    }

    public static Upstream start(UpstreamConfig config, String clientId, Optional<DnsServerAddressStreamProvider> nameServers) {
        UpstreamMessage.Hello hello = new UpstreamMessage.Hello(clientId, 0, 0, null, WokVersion.version());
        return start(config, actor -> new Wiring(ConnectionManager.Session.NONE, () -> hello, manager -> { }), nameServers);
    }

    /** @param nameServers where DNS queries go; empty for the system's (tests point it at a local server) */
    public static Upstream start(UpstreamConfig config, SessionFactory sessions,
                                 Optional<DnsServerAddressStreamProvider> nameServers) {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("wokd-upstream", true),
                NioIoHandler.newFactory());
        EventLoop loop = group.next();
        ExecutorService blocking = Executors.newSingleThreadExecutor(new DefaultThreadFactory("wokd-upstream-files", true));
        DnsNameResolverBuilder dns = new DnsNameResolverBuilder().datagramChannelType(NioDatagramChannel.class);
        nameServers.ifPresent(dns::nameServerProvider);
        DnsAddressResolverGroup resolvers = new DnsAddressResolverGroup(dns);
        resolvers.getResolver(loop); // made here, not on the actor: it reads /etc/resolv.conf and /etc/hosts
        Scheduler actor = new EventLoopScheduler(loop, Clock.systemUTC());
        Wiring wiring = sessions.make(actor);
        ConnectionManager manager = new ConnectionManager(config,
                c -> new WebSocketDialer(c, loop, resolvers.getResolver(loop), blocking, wiring.hello()),
                actor, new SplittableRandom(), wiring.session());
        wiring.attach().accept(manager);
        manager.start();
        log.info("upstream: {}", config.redactedUrl().map(u -> "syncing with " + u).orElse("none configured; sync disabled"));
        return new Upstream(group, blocking, resolvers, manager);
    }

    public ConnectionManager manager() {
        return manager;
    }

    /** Ends the connection (watchers are told), then stops the threads. */
    @Override
    public void close() {
        try {
            manager.shutdown().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
            log.warn("the connector did not stop cleanly: {}", e.toString());
        }
        resolvers.close();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        blocking.shutdownNow();
    }
}
