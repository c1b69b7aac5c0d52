package dev.wok.daemon.ipc;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The answers and events waiting for clients that stopped reading, all of them together: each
 * {@link SlowReaderGuard} counts its client's backlog here while that client is over its high-water mark
 * (only then, so that clients that read cost nothing), and gives it back when the client reads again or goes.
 */
final class UnreadAnswers {
    private final long limit;
    private final AtomicLong held = new AtomicLong();

    UnreadAnswers(long limit) {
        this.limit = limit;
    }

    long limit() {
        return limit;
    }

    /** Adds (or, negative, gives back) bytes; returns the new total. */
    long add(long bytes) {
        return held.addAndGet(bytes);
    }

    long held() {
        return held.get();
    }
}
