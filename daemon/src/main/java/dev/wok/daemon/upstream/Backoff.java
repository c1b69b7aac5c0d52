package dev.wok.daemon.upstream;

import dev.wok.protocol.config.RetryPolicy;
import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Retry delays (docs/ARCHITECTURE.md, "The connector"): full jitter with a floor, {@code min(cap, base + U(0, base·multiplier^(n-1)))}
 * after the n-th consecutive failure; at the cap once max attempts are reached; and a random 0–1 s
 * before the first retry after a healthy connection dropped, so that many daemons do not return at once.
 */
final class Backoff {
    static final Duration AFTER_HEALTHY_DROP = Duration.ofSeconds(1);

    private final RetryPolicy policy;
    private final RandomGenerator random;

    Backoff(RetryPolicy policy, RandomGenerator random) {
        this.policy = policy;
        this.random = random;
    }

    /** Delay after {@code failures} consecutive failed attempts (1 for the first). */
    Duration afterFailures(int failures) {
        long cap = policy.cap().toMillis();
        if (failures >= policy.maxAttempts()) {
            return policy.cap();
        }
        long base = policy.base().toMillis();
        // Clamped to the cap: beyond it the sum is capped anyway, and multiplier^n may overflow to infinity.
        double spread = Math.min(cap, base * Math.pow(policy.multiplier(), Math.max(0, failures - 1)));
        long jitter = (long) (random.nextDouble() * spread);
        return Duration.ofMillis(Math.min(cap, base + jitter));
    }

    Duration afterHealthyDrop() {
        return Duration.ofMillis((long) (random.nextDouble() * AFTER_HEALTHY_DROP.toMillis()));
    }
}
