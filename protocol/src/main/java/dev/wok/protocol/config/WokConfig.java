package dev.wok.protocol.config;

/** Everything config.toml and the environment decide. */
public record WokConfig(UpstreamConfig upstream, boolean autostart, StoreConfig store, IpcConfig ipc) {
    public static final WokConfig DEFAULTS = new WokConfig(UpstreamConfig.DISABLED, true, StoreConfig.DEFAULTS, IpcConfig.DEFAULTS);

    public WokConfig(UpstreamConfig upstream, boolean autostart) {
        this(upstream, autostart, StoreConfig.DEFAULTS, IpcConfig.DEFAULTS);
    }

    public WokConfig(UpstreamConfig upstream, boolean autostart, StoreConfig store) {
        this(upstream, autostart, store, IpcConfig.DEFAULTS);
    }
}
