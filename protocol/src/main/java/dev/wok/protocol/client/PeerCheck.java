package dev.wok.protocol.client;

import dev.wok.protocol.client.DaemonUnavailableException.Reason;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/** Who serves the socket a client connected to. Apart from {@link WokClient}, so that the quick status path can use it without Jackson. */
public final class PeerCheck {
    private PeerCheck() {}

    /**
     * The daemon must run as this user (or as root): a server of any other user at our socket path is
     * someone else's program posing as wokd (say through a /tmp directory they made), and must not get
     * our requests. Checked with the socket's peer credentials (SO_PEERCRED, LOCAL_PEERCRED).
     */
    public static void servedByThisUser(SocketChannel channel, Path socket) throws IOException {
        UnixDomainPrincipal peer;
        try {
            peer = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
        } catch (UnsupportedOperationException e) {
            return; // a platform that cannot tell; the directory checks are all there is
        }
        String server = peer.user().getName();
        String me = System.getProperty("user.name");
        if (server.equals(me) || server.equals("root")) {
            return;
        }
        throw new DaemonUnavailableException(Reason.ACCESS_DENIED, "the socket " + socket + " is served by a process of user '"
                + server + "', not by you ('" + me + "'): another user's program may be posing as wokd, so nothing was sent;"
                + " check who owns " + socket.getParent() + ", and set XDG_RUNTIME_DIR or WOK_SOCKET to a directory only you"
                + " can write", null);
    }
}
