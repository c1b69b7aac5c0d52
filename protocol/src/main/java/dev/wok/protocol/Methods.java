package dev.wok.protocol;

/** Names of the methods wokd answers. */
public final class Methods {
    public static final String HELLO = "hello";
    public static final String PING = "ping";
    public static final String STATUS = "status";
    public static final String SHUTDOWN = "shutdown";
    public static final String CONNECT = "connect";
    public static final String DISCONNECT = "disconnect";
    public static final String WATCH = "watch";
    public static final String RELOAD = "reload";
    public static final String PUSH = "push";
    public static final String LOG = "log";
    public static final String SYNC_NOW = "sync-now";

    private Methods() {}
}
