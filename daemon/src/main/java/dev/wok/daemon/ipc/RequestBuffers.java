package dev.wok.daemon.ipc;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of unfinished requests that wokd holds for all its clients together (a long JSON line, a
 * large frame, arriving over several reads), bounded so that many clients sending large requests at
 * once cannot exhaust its memory. A request that completes within one read holds nothing here. Shared by
 * every connection; each framing decoder reports what it holds after each read.
 */
final class RequestBuffers {
    private final long limit;
    private final AtomicLong held = new AtomicLong();

    RequestBuffers(long limit) {
        this.limit = limit;
    }

    long limit() {
        return limit;
    }

    long held() {
        return held.get();
    }

    /**
     * A connection that held {@code before} bytes now holds {@code after}. Returns false when growing to
     * {@code after} would take all clients past the limit: that request does not fit now, and its
     * connection drops what it held. Its {@code before} is given back in the same step as the refusal,
     * so two clients growing at once are never both refused for room that one of them is giving up.
     */
    boolean update(long before, long after) {
        long delta = after - before;
        if (delta == 0) {
            // The common case (nothing held before or after a read): no atomic write, which every
            // event loop would otherwise make on one shared cache line for every read.
            return true;
        }
        if (delta < 0) {
            held.addAndGet(delta);
            return true;
        }
        while (true) {
            long current = held.get();
            boolean fits = current + delta <= limit;
            if (held.compareAndSet(current, fits ? current + delta : current - before)) {
                return fits;
            }
        }
    }
}
