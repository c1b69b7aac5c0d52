package dev.wok.daemon.store;

/** A push past the outbox quota ({@code [store] max_pending}); nothing was stored. */
public final class OutboxFullException extends Exception {
    private final long quota;
    private final long pending;

    public OutboxFullException(long quota, long pending) {
        super("the outbox is full: " + pending + " ops wait to be sent and the quota ([store] max_pending) is " + quota
                + "; connect to the upstream (wok sync-now) so they drain, or raise the quota");
        this.quota = quota;
        this.pending = pending;
    }

    public long quota() {
        return quota;
    }

    public long pending() {
        return pending;
    }
}
