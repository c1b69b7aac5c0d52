package dev.wok.daemon.health;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A quiet daemon gives back heap a burst made it commit, at most once a minute, and a busy one is left
 * alone. Each {@code check()} is one period (10 s).
 */
class IdleHeapReleaseTest {
    private static final long MIB = 1 << 20;

    /** A heap whose full collection shrinks it to {@code live}, and whose collections the test counts. */
    static final class FakeHeap implements IdleHeapRelease.Heap {
        long committed = 16 * MIB;
        long live = 10 * MIB;
        long collections;
        int fullCollections;

        @Override
        public long collections() {
            return collections;
        }

        RuntimeException failure;

        @Override
        public long committedBytes() {
            if (failure != null) {
                throw failure;
            }
            return committed;
        }

        @Override
        public void collectFully() {
            fullCollections++;
            collections++;
            committed = Math.max(16 * MIB, live * 10 / 7);
        }

        /** The daemon works: the young generation is collected, and the heap grows to {@code to}. */
        void busy(long to) {
            collections += 3;
            committed = Math.max(committed, to);
        }
    }

    final FakeHeap heap = new FakeHeap();
    final IdleHeapRelease release = new IdleHeapRelease(heap, 32 * MIB);

    @Test
    void a_heap_grown_by_a_burst_is_collected_once_the_daemon_has_been_quiet_a_whole_period() {
        heap.busy(120 * MIB);
        release.check();
        assertThat(heap.fullCollections).as("collections ran during the period: still busy").isZero();
        release.check();
        assertThat(heap.fullCollections).isEqualTo(1);
        assertThat(heap.committed).isEqualTo(16 * MIB);
        release.check();
        release.check();
        assertThat(heap.fullCollections).as("its own collection is not taken for work, and the heap is small now").isEqualTo(1);
    }

    @Test
    void a_daemon_that_keeps_working_keeps_its_heap() {
        for (int period = 0; period < 10; period++) {
            heap.busy(120 * MIB);
            release.check();
        }
        assertThat(heap.fullCollections).isZero();
    }

    @Test
    void a_heap_within_the_threshold_is_never_collected_for_this() {
        heap.busy(30 * MIB);
        release.check();
        release.check();
        release.check();
        assertThat(heap.fullCollections).isZero();
    }

    @Test
    void when_a_collection_gives_nothing_back_the_next_waits_until_the_heap_grows_again() {
        heap.live = 80 * MIB; // the daemon really holds this much
        heap.busy(120 * MIB);
        release.check();
        release.check();
        assertThat(heap.fullCollections).isEqualTo(1);
        long kept = heap.committed;
        assertThat(kept).isGreaterThan(32 * MIB);
        for (int period = 0; period < 5; period++) {
            release.check();
        }
        assertThat(heap.fullCollections).as("quiet, but collecting again would give nothing back").isEqualTo(1);

        heap.busy(kept + 10 * MIB);
        release.check();
        release.check();
        assertThat(heap.fullCollections).as("grown past what the last one left").isEqualTo(2);
    }

    @Test
    void after_a_collection_the_next_waits_a_minute_however_fast_the_heap_grows_again() {
        heap.busy(120 * MIB);
        release.check();
        release.check();
        assertThat(heap.fullCollections).isEqualTo(1);
        int periods = 0;
        while (heap.fullCollections == 1 && periods < 20) {
            heap.committed = 120 * MIB; // another burst, then quiet
            release.check();
            periods++;
        }
        assertThat(periods).as("periods of 10 s until the next full collection").isEqualTo(IdleHeapRelease.MIN_PERIODS_BETWEEN);
    }

    @Test
    void a_heap_kept_by_data_that_has_since_been_freed_is_collected_again_five_minutes_later() {
        heap.live = 80 * MIB;
        heap.busy(120 * MIB);
        release.check();
        release.check();
        assertThat(heap.fullCollections).isEqualTo(1);
        heap.live = 5 * MIB; // freed, but only a full collection would notice, and the heap does not grow
        int periods = 0;
        while (heap.fullCollections == 1 && periods < 100) {
            release.check();
            periods++;
        }
        assertThat(periods).isEqualTo(IdleHeapRelease.RETRY_PERIODS);
        assertThat(heap.committed).isEqualTo(16 * MIB);
    }

    @Test
    void a_heap_that_cannot_be_read_is_reported_and_checked_again_next_time() {
        heap.busy(120 * MIB);
        heap.failure = new IllegalArgumentException("committed = 2 should be < max = 1");
        release.check();
        release.check();
        assertThat(heap.fullCollections).isZero();
        heap.failure = null;
        release.check();
        release.check();
        assertThat(heap.fullCollections).as("the check still runs after one that failed").isEqualTo(1);
    }

    @Test
    void the_running_jvm_counts_a_full_collection_as_a_collection_and_reports_its_committed_heap() {
        IdleHeapRelease.Heap jvm = new IdleHeapRelease.JvmHeap();
        long before = jvm.collections();
        jvm.collectFully();
        assertThat(jvm.collections()).as("what tells quiet from busy must see collections").isGreaterThan(before);
        long totalBefore = Runtime.getRuntime().totalMemory();
        long committed = jvm.committedBytes();
        long totalAfter = Runtime.getRuntime().totalMemory();
        assertThat(committed).isBetween(Math.min(totalBefore, totalAfter), Math.max(totalBefore, totalAfter));
    }
}
