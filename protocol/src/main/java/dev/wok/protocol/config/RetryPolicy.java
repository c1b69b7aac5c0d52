package dev.wok.protocol.config;

import java.time.Duration;

/**
 * How the connector retries (docs/ARCHITECTURE.md, "The connector"): delay {@code min(cap, base + U(0, base·multiplier^n))}, shown as
 * "attempt n/maxAttempts", then {@code suspended} while still retrying at the cap.
 */
public record RetryPolicy(Duration base, double multiplier, Duration cap, int maxAttempts, Duration connectTimeout) {
    public static final RetryPolicy DEFAULTS =
            new RetryPolicy(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(30), 10, Duration.ofSeconds(10));
}
