package dev.wok.protocol.upstream;

/** WebSocket close codes of the upstream protocol (docs/ARCHITECTURE.md, "Wire formats"). */
public final class CloseCodes {
    public static final int NORMAL = 1000;
    /** The server is restarting: reconnect quickly. */
    public static final int GOING_AWAY = 1001;
    /** Fatal: credentials rejected. */
    public static final int UNAUTHORIZED = 4001;
    /** Fatal: protocol version not supported. */
    public static final int UNSUPPORTED_VERSION = 4002;
    public static final int PROTOCOL_VIOLATION = 4008;
    /** The server could not do its part (its store failed): try again later, with the usual backoff. */
    public static final int INTERNAL_ERROR = 1011;

    private CloseCodes() {}

    /** Codes after which retrying cannot help until something changes (token, version). */
    public static boolean fatal(int code) {
        return code == UNAUTHORIZED || code == UNSUPPORTED_VERSION;
    }
}
