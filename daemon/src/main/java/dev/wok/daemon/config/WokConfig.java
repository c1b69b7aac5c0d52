package dev.wok.daemon.config;

/** Everything config.toml and the environment decide. */
public record WokConfig(UpstreamConfig upstream, boolean autostart) {
    public static final WokConfig DEFAULTS = new WokConfig(UpstreamConfig.DISABLED, true);
}
