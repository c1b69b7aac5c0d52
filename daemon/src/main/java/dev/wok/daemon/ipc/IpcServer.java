package dev.wok.daemon.ipc;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The daemon's Unix-socket server: binds, counts its clients, and stops accepting then closes them. */
public final class IpcServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IpcServer.class);

    private final Transport transport;
    private final EventLoopGroup acceptors;
    private final EventLoopGroup workers;
    private final ChannelGroup clients;
    private final Channel serverChannel;

    private IpcServer(Transport transport, EventLoopGroup acceptors, EventLoopGroup workers, ChannelGroup clients,
                      Channel serverChannel) {
        this.transport = transport;
        this.acceptors = acceptors;
        this.workers = workers;
        this.clients = clients;
        this.serverChannel = serverChannel;
    }

    /** Binds {@code socket}, which must not exist, and serves {@code methods} on it. */
    public static IpcServer bind(Transport transport, Path socket, IpcLimits limits, MethodRegistry methods, int ownUid)
            throws InterruptedException {
        EventLoopGroup acceptors = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("wokd-accept", true),
                transport.ioHandlerFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(0, new DefaultThreadFactory("wokd-ipc", true),
                transport.ioHandlerFactory());
        ChannelGroup clients = new DefaultChannelGroup("wokd-clients", GlobalEventExecutor.INSTANCE);
        try {
            Channel channel = new ServerBootstrap()
                    .group(acceptors, workers)
                    .channel(transport.serverChannelClass())
                    .childHandler(new IpcChannelInitializer(limits, clients, methods, ownUid))
                    .bind(transport.address(socket))
                    .sync()
                    .channel();
            log.info("listening on {} ({} transport, {})", socket, transport.label(),
                    transport.checksPeerCredentials() ? "peer uid checked" : "peer uid not available: socket mode protects");
            return new IpcServer(transport, acceptors, workers, clients, channel);
        } catch (RuntimeException | InterruptedException e) {
            acceptors.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            workers.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw e;
        }
    }

    public Transport transport() {
        return transport;
    }

    /** Clients connected right now. */
    public int clientCount() {
        return clients.size();
    }

    /** Stops accepting, closes every client after what was already written to it, and stops the threads. */
    @Override
    public void close() {
        serverChannel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        clients.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        acceptors.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
