package dev.wok.protocol.paths;

/** The socket path does not fit in the platform's {@code sockaddr_un}. */
public final class SocketPathTooLongException extends Exception {
    public SocketPathTooLongException(String message) {
        super(message);
    }
}
