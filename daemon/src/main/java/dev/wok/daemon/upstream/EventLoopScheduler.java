package dev.wok.daemon.upstream;

import io.netty.channel.EventLoop;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/** The connector's thread in the daemon: one Netty event loop and the system clock. */
final class EventLoopScheduler implements Scheduler {
    private final EventLoop loop;
    private final Clock clock;

    EventLoopScheduler(EventLoop loop, Clock clock) {
        this.loop = loop;
        this.clock = clock;
    }

    @Override
    public void execute(Runnable task) {
        loop.execute(task);
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        var future = loop.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
        return () -> future.cancel(false);
    }

    @Override
    public Instant now() {
        return clock.instant();
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public boolean inThread() {
        return loop.inEventLoop();
    }
}
