package dev.wok.daemon.health;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives back the heap that a burst of work made the JVM commit, once the daemon is quiet again. The
 * serial collector shrinks the heap only in a full collection, and a quiet daemon allocates too little
 * for one ever to come: without this, a hundred large requests leave wokd holding the memory they took
 * for as long as it runs. Quiet means that no collection at all ran during the last period: a daemon
 * that allocates enough to be collected is still working and keeps its heap.
 *
 * <p>At most one full collection a minute. After one, the next comes when the heap has grown past what
 * that one left, or, if it has not (what was live then may have been freed since), five minutes later.
 * Runs on the housekeeping thread, every {@link #PERIOD}.
 */
public final class IdleHeapRelease {
    private static final Logger log = LoggerFactory.getLogger(IdleHeapRelease.class);
    public static final Duration PERIOD = Duration.ofSeconds(10);
    /** Periods after a full collection before another may come at all: one minute. */
    static final int MIN_PERIODS_BETWEEN = 6;
    /** Periods after a full collection before another comes even though the heap did not grow: five minutes. */
    static final int RETRY_PERIODS = 30;
    private static final long MIB = 1 << 20;

    /** What this needs of the JVM: a seam for tests. */
    public interface Heap {
        long committedBytes();

        /** Collections of any kind since the JVM started. */
        long collections();

        void collectFully();
    }

    private final Heap heap;
    private final long threshold;
    private long collectionsSeen;
    private long committedAfterRelease;
    /** Periods since the last full collection this made; "long ago" before the first. */
    private int periodsSinceRelease = RETRY_PERIODS;
    private boolean failedOnce;

    /** Collects when the committed heap is over {@code thresholdBytes} and the daemon has been quiet a period. */
    public IdleHeapRelease(Heap heap, long thresholdBytes) {
        this.heap = heap;
        this.threshold = thresholdBytes;
        this.collectionsSeen = heap.collections();
    }

    /**
     * The running JVM's heap, with a threshold of half as much again as it has committed now (at start:
     * wokd's -Xms), at least 24 MiB.
     */
    public static IdleHeapRelease forThisJvm() {
        Heap jvm = new JvmHeap();
        return new IdleHeapRelease(jvm, Math.max(24 * MIB, jvm.committedBytes() * 3 / 2));
    }

    /** Called every {@link #PERIOD}. Never throws: a scheduled task that throws is never run again. */
    public void check() {
        try {
            checkOnce();
        } catch (RuntimeException e) {
            if (!failedOnce) {
                failedOnce = true;
                log.warn("cannot check the heap to give memory back after bursts: {}", e.toString());
            }
        }
    }

    private void checkOnce() {
        periodsSinceRelease = Math.min(periodsSinceRelease + 1, RETRY_PERIODS);
        long collections = heap.collections();
        boolean quiet = collections == collectionsSeen;
        collectionsSeen = collections;
        long committed = heap.committedBytes();
        boolean grown = committed > committedAfterRelease;
        if (!quiet || committed <= threshold || periodsSinceRelease < MIN_PERIODS_BETWEEN
                || (!grown && periodsSinceRelease < RETRY_PERIODS)) {
            return;
        }
        long began = System.nanoTime();
        heap.collectFully();
        long tookMillis = (System.nanoTime() - began) / 1_000_000;
        committedAfterRelease = heap.committedBytes();
        collectionsSeen = heap.collections();
        periodsSinceRelease = 0;
        if (committed - committedAfterRelease >= MIB) {
            log.info("quiet with {} MiB of heap committed: collected in {} ms, {} MiB committed now", committed / MIB,
                    tookMillis, committedAfterRelease / MIB);
        } else {
            log.debug("quiet with {} MiB of heap committed: collected in {} ms, nothing to give back", committed / MIB,
                    tookMillis);
        }
    }

    static final class JvmHeap implements Heap {
        private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        private final java.util.List<GarbageCollectorMXBean> collectors = ManagementFactory.getGarbageCollectorMXBeans();

        @Override
        public long committedBytes() {
            return memory.getHeapMemoryUsage().getCommitted();
        }

        @Override
        public long collections() {
            long total = 0;
            for (GarbageCollectorMXBean collector : collectors) {
                total += Math.max(0, collector.getCollectionCount());
            }
            return total;
        }

        @Override
        public void collectFully() {
            System.gc();
        }
    }
}
