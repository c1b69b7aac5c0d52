package dev.wok.protocol.config;

import java.time.Duration;

/** Ping after {@code interval} with nothing written; the connection is dead after {@code timeout} with nothing read. */
public record HeartbeatPolicy(Duration interval, Duration timeout) {
    public static final HeartbeatPolicy DEFAULTS = new HeartbeatPolicy(Duration.ofSeconds(25), Duration.ofSeconds(35));
}
