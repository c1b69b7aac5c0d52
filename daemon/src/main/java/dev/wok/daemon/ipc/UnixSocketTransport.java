package dev.wok.daemon.ipc;

import io.netty.channel.Channel;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.kqueue.KQueue;
import io.netty.channel.kqueue.KQueueDomainSocketChannel;
import io.netty.channel.kqueue.KQueueIoHandler;
import io.netty.channel.kqueue.KQueueServerDomainSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;

/** How the daemon's Unix socket is served on this platform: epoll on Linux, kqueue on macOS, JDK NIO otherwise. */
public enum UnixSocketTransport {
    EPOLL("epoll", EpollIoHandler::newFactory, EpollServerDomainSocketChannel.class, true),
    KQUEUE("kqueue", KQueueIoHandler::newFactory, KQueueServerDomainSocketChannel.class, true),
    NIO("nio", NioIoHandler::newFactory, NioServerDomainSocketChannel.class, false);

    private final String label;
    private final Supplier<IoHandlerFactory> ioHandlers;
    private final Class<? extends ServerChannel> serverChannel;
    private final boolean peerCredentials;

    UnixSocketTransport(String label, Supplier<IoHandlerFactory> ioHandlers, Class<? extends ServerChannel> serverChannel,
              boolean peerCredentials) {
        this.label = label;
        this.ioHandlers = ioHandlers;
        this.serverChannel = serverChannel;
        this.peerCredentials = peerCredentials;
    }

    public static UnixSocketTransport best() {
        if (Epoll.isAvailable()) {
            return EPOLL;
        }
        if (KQueue.isAvailable()) {
            return KQUEUE;
        }
        return NIO;
    }

    public String label() {
        return label;
    }

    public IoHandlerFactory ioHandlerFactory() {
        return ioHandlers.get();
    }

    public Class<? extends ServerChannel> serverChannelClass() {
        return serverChannel;
    }

    public boolean checksPeerCredentials() {
        return peerCredentials;
    }

    public SocketAddress address(Path socket) {
        return this == NIO ? UnixDomainSocketAddress.of(socket) : new DomainSocketAddress(socket.toFile());
    }

    /** A server channel on a listening socket this process inherited (epoll only: see {@link IpcServer#adopt}). */
    ServerChannel adopt(int fd) {
        if (this != EPOLL) {
            throw new UnsupportedOperationException(label + " cannot adopt an inherited socket");
        }
        // active: the socket is bound and listening already, so reading (accepting) may begin once registered.
        return new EpollServerDomainSocketChannel(fd, true);
    }

    /** The path an inherited Unix socket is bound to; empty when fd is not one (or has no path). */
    static Optional<Path> inheritedSocketPath(int fd) {
        try {
            DomainSocketAddress address = new Socket(fd).localDomainSocketAddress();
            return address == null || address.path().isEmpty() ? Optional.empty() : Optional.of(Path.of(address.path()));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The connecting process's uid, where the transport can tell. */
    public static OptionalInt peerUid(Channel channel) throws IOException {
        if (channel instanceof EpollDomainSocketChannel epoll) {
            return OptionalInt.of(epoll.peerCredentials().uid());
        }
        if (channel instanceof KQueueDomainSocketChannel kqueue) {
            return OptionalInt.of(kqueue.peerCredentials().uid());
        }
        return OptionalInt.empty();
    }
}
