package dev.wok.daemon.upstream;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.Queue;

/** A scheduler on a manual clock: nothing runs until the test drains it or moves time forward. */
final class ManualScheduler implements Scheduler {
    private record Timed(Instant due, long order, Runnable task, boolean[] cancelled) {}

    private final Queue<Runnable> ready = new ArrayDeque<>();
    private final PriorityQueue<Timed> timers =
            new PriorityQueue<>(Comparator.comparing(Timed::due).thenComparingLong(Timed::order));
    private Instant now = Instant.parse("2026-11-22T00:00:00Z");
    private long order;

    @Override
    public void execute(Runnable task) {
        ready.add(task);
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        boolean[] cancelled = {false};
        timers.add(new Timed(now.plus(delay), order++, task, cancelled));
        return () -> cancelled[0] = true;
    }

    @Override
    public Instant now() {
        return now;
    }

    /** Runs everything queued to run now, including what those tasks queue. */
    void drain() {
        Runnable task;
        while ((task = ready.poll()) != null) {
            task.run();
        }
    }

    /** Moves the clock forward, running each timer at its due time, in order. */
    void advance(Duration duration) {
        Instant target = now.plus(duration);
        drain();
        while (!timers.isEmpty() && !timers.peek().due().isAfter(target)) {
            Timed next = timers.poll();
            now = next.due();
            if (!next.cancelled()[0]) {
                next.task().run();
            }
            drain();
        }
        now = target;
    }

    /** Timers still pending (not cancelled). */
    long pendingTimers() {
        return timers.stream().filter(t -> !t.cancelled()[0]).count();
    }
}
