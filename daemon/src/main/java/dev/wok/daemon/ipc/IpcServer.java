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
 * The daemon's Unix-socket server. When it binds, it owns the socket file: clears a stale one, binds,
 * restricts its mode, and removes it on close. When it adopts a listening socket that systemd opened
 * (socket activation), the file is systemd's: it is neither chmod-ed nor removed. Either way it listens
 * without accepting; {@link #startAccepting} opens the door once the daemon is whole, so no client ever
 * reaches a half-built daemon (they wait in the backlog).
 */
public final class IpcServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IpcServer.class);

    private final Path socket;
    private final EventLoopGroup acceptors;
    private final EventLoopGroup workers;
    private final ChannelGroup clients;
    private final Channel serverChannel;
    private final boolean ownsSocketFile;

    private IpcServer(Path socket, EventLoopGroup acceptors, EventLoopGroup workers, ChannelGroup clients,
                      Channel serverChannel, boolean ownsSocketFile) {
        this.socket = socket;
        this.ownsSocketFile = ownsSocketFile;
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
            return new IpcServer(socket, acceptors, workers, clients, channel, true);
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

    /**
     * Serves {@code methods} on a listening socket this process inherited as {@code fd} (systemd socket
     * activation; epoll only). Connections that arrived before we started wait in its backlog and are
     * accepted once {@link #startAccepting} is called. {@code expected} is where clients look for the
     * socket; a different inherited path is logged, since clients would not find it.
     */
    public static IpcServer adopt(UnixSocketTransport transport, int fd, Path expected, IpcLimits limits,
                                  MethodRegistry methods, int ownUid) throws IOException {
        if (transport != UnixSocketTransport.EPOLL) {
            throw new IOException("socket activation passed fd " + fd + ", but the " + transport.label()
                    + " transport cannot adopt an inherited socket (it needs Linux epoll); start wokd without the socket unit");
        }
        Path inherited = UnixSocketTransport.inheritedSocketPath(fd)
                .orElseThrow(() -> new IOException("socket activation passed fd " + fd + ", which is not a Unix socket"
                        + " bound to a path; wokd.socket needs ListenStream=<path of wokd.sock>"));
        if (!inherited.equals(expected)) {
            log.warn("the socket systemd passed is {}, but clients look for {}; set ListenStream= in wokd.socket to {}"
                    + " (or WOK_SOCKET for both)", inherited, expected, expected);
        }
        EventLoopGroup acceptors = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("wokd-accept", true),
                transport.ioHandlerFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(0, new DefaultThreadFactory("wokd-ipc", true),
                transport.ioHandlerFactory());
        ChannelGroup clients = new DefaultChannelGroup("wokd-clients", GlobalEventExecutor.INSTANCE);
        try {
            Channel channel = new ServerBootstrap()
                    .group(acceptors, workers)
                    .channelFactory(() -> transport.adopt(fd))
                    .option(ChannelOption.AUTO_READ, false)
                    .handler(new AcceptFailures())
                    .childOption(ChannelOption.AUTO_READ, true)
                    .childHandler(new IpcChannelInitializer(limits, clients, methods, ownUid))
                    .register()
                    .syncUninterruptibly()
                    .channel();
            log.info("listening on {} (socket from systemd, fd {}; {} transport, peer uid checked)", inherited, fd,
                    transport.label());
            return new IpcServer(inherited, acceptors, workers, clients, channel, false);
        } catch (RuntimeException e) {
            acceptors.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            workers.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw new IOException("cannot listen on the socket systemd passed (fd " + fd + "): " + e.getMessage(), e);
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
     * removes the socket file when it bound it (an adopted one stays: systemd keeps listening on it and
     * starts wokd again for the next client).
     */
    @Override
    public void close() {
        serverChannel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        clients.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        acceptors.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        if (!ownsSocketFile) {
            return;
        }
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            log.warn("could not remove socket {}: {}", socket, IoErrors.cause(e));
        }
    }
}
