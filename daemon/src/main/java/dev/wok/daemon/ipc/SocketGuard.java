package dev.wok.daemon.ipc;

import dev.wok.protocol.files.IoErrors;
import io.netty.channel.Channel;
import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.OptionalInt;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything that keeps the socket wokd's and its user's alone: a stale socket is removed only when
 * nobody answers on it and it really is a socket; the bound socket gets the owner-only mode; each
 * client's uid is checked where the transport can tell it (root is let in: it could anyway).
 */
final class SocketGuard {
    private static final Logger log = LoggerFactory.getLogger(SocketGuard.class);
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    private SocketGuard() {}

    /** The socket cannot be used; the message names it, why, and the fix. */
    static final class SocketInUseException extends IOException {
        SocketInUseException(String message) {
            super(message);
        }
    }

    /**
     * Removes a socket file left by a daemon that died. A socket that still answers belongs to a live
     * server (another wokd whose WOK_HOME differs but whose WOK_SOCKET is the same, say), and a file that
     * is not a socket is not ours to delete: both are refused.
     */
    static void clearStale(Path socket) throws IOException {
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        int mode = (Integer) Files.getAttribute(socket, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        if ((mode & S_IFMT) != S_IFSOCK) {
            throw new SocketInUseException(socket + " exists and is not a socket; wokd will not delete it. Move it away or set WOK_SOCKET");
        }
        if (answers(socket)) {
            throw new SocketInUseException("another process is listening on " + socket + " (a wokd with a different"
                    + " WOK_HOME but the same WOK_SOCKET?); stop it, or give this daemon its own WOK_SOCKET");
        }
        Files.delete(socket);
        log.info("removed stale socket {} left by a daemon that did not stop cleanly", socket);
    }

    private static boolean answers(Path socket) throws IOException {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(socket));
            return true;
        } catch (ConnectException refused) {
            return false;
        } catch (IOException e) {
            throw new IOException("cannot check whether " + socket + " is in use: " + IoErrors.cause(e), e);
        }
    }

    static void restrict(Path socket, Set<PosixFilePermission> mode) throws IOException {
        Files.setPosixFilePermissions(socket, mode);
    }

    /** The connecting process's uid, where the transport can tell; empty when it cannot. */
    static OptionalInt peerUid(Channel channel) {
        try {
            return UnixSocketTransport.peerUid(channel);
        } catch (IOException e) {
            log.warn("could not read a client's peer credentials; serving it as the socket's mode allows", e);
            return OptionalInt.empty();
        }
    }

    static boolean allowed(OptionalInt peer, int ownUid) {
        return peer.isEmpty() || peer.getAsInt() == ownUid || peer.getAsInt() == 0;
    }
}
