package dev.wok.daemon.testing;

import dev.wok.daemon.upstream.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.Queue;

/**
 * A scheduler on a manual clock: nothing runs until the test drains it or moves time forward, and then on
 * the test's own thread.
 */
public final class ManualScheduler implements Scheduler {
    private record Timed(long due, long order, Runnable task, boolean[] cancelled) {}

    /** Other threads (the store's) post here too; everything runs on the test's thread when it drains. */
    private final Queue<Runnable> ready = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final PriorityQueue<Timed> timers =
            new PriorityQueue<>(Comparator.comparingLong(Timed::due).thenComparingLong(Timed::order));
    private Instant now = Instant.parse("2026-11-22T00:00:00Z");
    private long mono;
    private long order;
    private final Thread owner = Thread.currentThread();

    @Override
    public void execute(Runnable task) {
        ready.add(task);
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        boolean[] cancelled = {false};
        timers.add(new Timed(mono + delay.toNanos(), order++, task, cancelled));
        return () -> cancelled[0] = true;
    }

    @Override
    public Instant now() {
        return now;
    }

    @Override
    public long nanoTime() {
        return mono;
    }

    /** Tasks run on the test's thread, the one that made this scheduler. */
    @Override
    public boolean inThread() {
        return Thread.currentThread() == owner;
    }

    /** The system sleeps for {@code duration}: wall time jumps, monotonic time (and every timer) stands still. */
    public void sleepSystem(Duration duration) {
        now = now.plus(duration);
    }

    /** Runs everything queued to run now, including what those tasks queue. */
    public void drain() {
        Runnable task;
        while ((task = ready.poll()) != null) {
            task.run();
        }
    }

    /** Moves both clocks forward, running each timer at its due time, in order. */
    public void advance(Duration duration) {
        long target = mono + duration.toNanos();
        drain();
        while (!timers.isEmpty() && timers.peek().due() <= target) {
            Timed next = timers.poll();
            now = now.plusNanos(next.due() - mono);
            mono = next.due();
            if (!next.cancelled()[0]) {
                next.task().run();
            }
            drain();
        }
        now = now.plusNanos(target - mono);
        mono = target;
    }

    /** Timers still pending (not cancelled). */
    public long pendingTimers() {
        return timers.stream().filter(t -> !t.cancelled()[0]).count();
    }
}
