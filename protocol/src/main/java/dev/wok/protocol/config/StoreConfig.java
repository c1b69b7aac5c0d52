package dev.wok.protocol.config;

/**
 * The local store.
 *
 * @param maxPending the most ops the outbox holds; a push past it is refused (naming the quota), never dropped
 */
public record StoreConfig(long maxPending) {
    public static final StoreConfig DEFAULTS = new StoreConfig(1_000_000);
}
