package dev.wok.daemon.upstream;

import java.time.Duration;
import java.time.Instant;

/**
 * The connector's single thread and clock. In the daemon it is one Netty event loop; in tests a manual
 * clock that runs due tasks when told to, so every timing is deterministic.
 */
public interface Scheduler {
    /** Runs {@code task} on the connector's thread, after whatever is already queued. */
    void execute(Runnable task);

    /** Runs {@code task} on the connector's thread after {@code delay}, unless cancelled first. */
    Cancellable schedule(Duration delay, Runnable task);

    /** Wall-clock time: jumps when the system sleeps and wakes, or the clock is set. */
    Instant now();

    /** Monotonic time, which timers follow; it does not advance while the system sleeps. */
    long nanoTime();

    /** Whether the calling thread is the scheduler's own. */
    boolean inThread();

    interface Cancellable {
        void cancel();
    }
}
