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
 * <p>One full collection per growth: when one gives nothing back (the daemon really holds that much),
 * the next comes only once the heap has grown past what that one left. Runs on the housekeeping thread.
 */
public final class IdleHeapRelease {
    private static final Logger log = LoggerFactory.getLogger(IdleHeapRelease.class);
    public static final Duration PERIOD = Duration.ofSeconds(10);

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

    /** Collects when the committed heap is over {@code thresholdBytes} and the daemon has been quiet a period. */
    public IdleHeapRelease(Heap heap, long thresholdBytes) {
        this.heap = heap;
        this.threshold = thresholdBytes;
        this.collectionsSeen = heap.collections();
    }

    /**
     * The running JVM's heap, with a threshold of half as much again as it has committed now (at start:
     * wokd's -Xms), at least 24 MiB. A full collection of a heap that size takes a few milliseconds.
     */
    public static IdleHeapRelease forThisJvm() {
        Heap jvm = new JvmHeap();
        return new IdleHeapRelease(jvm, Math.max(24L << 20, jvm.committedBytes() * 3 / 2));
    }

    /** Called every {@link #PERIOD}. */
    public void check() {
        long collections = heap.collections();
        boolean quiet = collections == collectionsSeen;
        collectionsSeen = collections;
        long committed = heap.committedBytes();
        if (!quiet || committed <= threshold || committed <= committedAfterRelease) {
            return;
        }
        heap.collectFully();
        committedAfterRelease = heap.committedBytes();
        collectionsSeen = heap.collections();
        log.info("quiet with {} MiB of heap committed: collected, {} MiB committed now", committed >> 20,
                committedAfterRelease >> 20);
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
