package dev.wok.daemon.lifecycle;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * sd_notify(3) for {@code Type=notify}: tells systemd "ready" once clients are served and "stopping"
 * when a stop begins. The message is one datagram on the AF_UNIX socket named by NOTIFY_SOCKET; the
 * JDK cannot send Unix datagrams, so it goes through Netty's native epoll socket, which wokd loads
 * anyway. A name starting with '@' is in the abstract namespace.
 */
final class SystemdNotifier {
    private static final Logger log = LoggerFactory.getLogger(SystemdNotifier.class);

    private final byte[] address;
    private final String socketName;

    private SystemdNotifier(String socketName) {
        this.socketName = socketName;
        byte[] name = socketName.getBytes(StandardCharsets.UTF_8);
        if (name[0] == '@') {
            name[0] = 0;
        }
        this.address = name;
    }

    /** A notifier when systemd asked for notifications (NOTIFY_SOCKET) and this platform can send them. */
    static Optional<SystemdNotifier> fromEnvironment(Map<String, String> env) {
        String socket = env.get("NOTIFY_SOCKET");
        if (socket == null || socket.isEmpty()) {
            return Optional.empty();
        }
        if (!Epoll.isAvailable()) {
            log.warn("NOTIFY_SOCKET is set but native epoll is unavailable ({}), so systemd will not hear that wokd is"
                    + " ready; use Type=exec in wokd.service", Epoll.unavailabilityCause().toString());
            return Optional.empty();
        }
        return Optional.of(new SystemdNotifier(socket));
    }

    void ready(long pid, String status) {
        send("READY=1\nMAINPID=" + pid + "\nSTATUS=" + status);
    }

    void stopping() {
        send("STOPPING=1\nSTATUS=stopping");
    }

    /** Best effort: systemd times the start out if "ready" never arrives, and says so in its journal. */
    private void send(String message) {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        ByteBuf buffer = Unpooled.directBuffer(bytes.length).writeBytes(bytes);
        Socket socket = Socket.newSocketDomainDgram();
        try {
            socket.sendToDomainSocket(buffer.nioBuffer(), 0, bytes.length, address);
        } catch (IOException | RuntimeException e) {
            log.warn("could not notify systemd on {}: {}", socketName, e.toString());
        } finally {
            buffer.release();
            try {
                socket.close();
            } catch (IOException ignored) {
                // A datagram socket that was never connected has nothing to flush.
            }
        }
    }
}
