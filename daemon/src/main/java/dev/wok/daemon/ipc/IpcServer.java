package dev.wok.daemon.ipc;

import dev.wok.protocol.files.IoErrors;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's Unix-socket server. It owns the socket file: clears a stale one, binds, restricts its
 * mode, and removes it on close. It binds without accepting; {@link #startAccepting} opens the door
 * once the daemon is whole, so no client ever reaches a half-built daemon (they wait in the backlog).
 */
public final class IpcServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IpcServer.class);

    private final Path socket;
    private final EventLoopGroup acceptors;
    private final EventLoopGroup workers;
    private final ChannelGroup clients;
    private final Channel serverChannel;

    private IpcServer(Path socket, EventLoopGroup acceptors, EventLoopGroup workers, ChannelGroup clients,
                      Channel serverChannel) {
        this.socket = socket;
        this.acceptors = acceptors;
        this.workers = workers;
        this.clients = clients;
        this.serverChannel = serverChannel;
    }

    /**
     * Binds {@code socket} with {@code mode} and serves {@code methods} on it once {@link #startAccepting} is
     * called. On any failure nothing is left behind: no thread, no socket file.
     */
    public static IpcServer bind(UnixSocketTransport transport, Path socket, Set<PosixFilePermission> mode, IpcLimits limits,
                                 MethodRegistry methods, int ownUid) throws IOException {
        SocketGuard.clearStale(socket);
        EventLoopGroup acceptors = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("wokd-accept", true),
                transport.ioHandlerFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(0, new DefaultThreadFactory("wokd-ipc", true),
                transport.ioHandlerFactory());
        ChannelGroup clients = new DefaultChannelGroup("wokd-clients", GlobalEventExecutor.INSTANCE);
        Channel channel = null;
        try {
            channel = new ServerBootstrap()
                    .group(acceptors, workers)
                    .channel(transport.serverChannelClass())
                    .option(ChannelOption.AUTO_READ, false)
                    .handler(new AcceptFailures())
                    .childOption(ChannelOption.AUTO_READ, true)
                    .childHandler(new IpcChannelInitializer(limits, clients, methods, ownUid))
                    .bind(transport.address(socket))
                    .syncUninterruptibly()
                    .channel();
            SocketGuard.restrict(socket, mode);
            log.info("listening on {} ({} transport, {})", socket, transport.label(),
                    transport.checksPeerCredentials() ? "peer uid checked" : "peer uid not available: socket mode protects");
            return new IpcServer(socket, acceptors, workers, clients, channel);
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
                Files.deleteIfExists(socket);
            }
            acceptors.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            workers.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            if (e instanceof IOException io) {
                throw new IOException("cannot listen on " + socket + ": " + IoErrors.cause(io), io);
            }
            throw new IOException("cannot listen on " + socket + ": " + e.getMessage(), e);
        }
    }

    /** Opens the door: connections waiting in the backlog are accepted from now on. */
    public void startAccepting() {
        serverChannel.config().setAutoRead(true);
    }

    /** Clients connected right now. */
    public int clientCount() {
        return clients.size();
    }

    /**
     * Stops accepting, closes every client after what was already written to it, stops the threads, and
     * removes the socket file.
     */
    @Override
    public void close() {
        serverChannel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        clients.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        acceptors.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            log.warn("could not remove socket {}: {}", socket, IoErrors.cause(e));
        }
    }
}
