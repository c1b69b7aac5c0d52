package dev.wok.protocol;

/** Names of the methods wokd answers. */
public final class Methods {
    public static final String HELLO = "hello";
    public static final String PING = "ping";
    public static final String STATUS = "status";
    public static final String SHUTDOWN = "shutdown";

    private Methods() {}
}
