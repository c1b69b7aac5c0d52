package dev.wok.protocol.config;

/**
 * What wokd may hold on behalf of its local clients, all of them together and each one ({@code [ipc]} in
 * config.toml; applied at start).
 *
 * @param maxUnreadBytes            answers and events one client may leave unread before it is disconnected
 * @param maxUnreadTotalBytes       the same, for all clients that have stopped reading together
 * @param maxUnfinishedRequestBytes the bytes of requests still being received, for all clients together
 */
public record IpcConfig(long maxUnreadBytes, long maxUnreadTotalBytes, long maxUnfinishedRequestBytes) {
    public static final long MIB = 1L << 20;
    public static final IpcConfig DEFAULTS = new IpcConfig(8 * MIB, 32 * MIB, 48 * MIB);

    public IpcConfig {
        if (maxUnreadTotalBytes < maxUnreadBytes) {
            throw new IllegalArgumentException("the total for all clients must be at least one client's");
        }
    }
}
