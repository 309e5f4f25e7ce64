package io.clipstream.model.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ResidentMemoryGuardTest {
    private static final long MB = 1L << 20;
    private static final long SECOND = 1_000_000_000L;

    /** A process whose collection frees {@code garbage} bytes, given back to the system only by a trim. */
    private static final class FakeHeap implements ResidentMemoryGuard.NativeHeap {
        long resident = 600 * MB;
        long garbage;
        long freed;
        int collections;
        int trims;

        @Override
        public long resident() {
            return resident;
        }

        @Override
        public void collect() {
            collections++;
            freed += garbage;
            garbage = 0;
        }

        @Override
        public void trim() {
            trims++;
            resident -= freed;
            freed = 0;
        }

        void leave(long bytes) {
            garbage += bytes;
            resident += bytes;
        }
    }

    private final FakeHeap heap = new FakeHeap();
    private final ResidentMemoryGuard guard = new ResidentMemoryGuard(heap);

    @Test
    void theFirstInferenceSetsTheAutomaticLimitAndCollectsNothing() {
        guard.afterInference(0);

        assertThat(guard.limit()).isEqualTo(728 * MB); // 600 MB + at least 128 MB (an eighth is 75)
        assertThat(heap.collections).isZero();
        assertThat(ResidentMemoryGuard.automaticLimit(200 * MB)).isEqualTo(328 * MB);
        assertThat(ResidentMemoryGuard.automaticLimit(1600 * MB)).isEqualTo(1800 * MB);
    }

    @Test
    void garbageAboveTheLimitIsCollectedThenTrimmedAtALaterInference() {
        guard.afterInference(0);
        heap.leave(128 * MB);
        guard.afterInference(SECOND);
        assertThat(heap.collections).isZero();

        heap.leave(MB);
        guard.afterInference(2 * SECOND);
        assertThat(heap.collections).isEqualTo(1);
        assertThat(heap.trims).isZero(); // the deallocator threads have not run yet

        guard.afterInference(2 * SECOND + ResidentMemoryGuard.TRIM_DELAY_NANOS / 2);
        assertThat(heap.trims).isZero();
        guard.afterInference(2 * SECOND + ResidentMemoryGuard.TRIM_DELAY_NANOS);
        assertThat(heap.trims).isEqualTo(1);
        assertThat(heap.resident).isEqualTo(600 * MB);
        assertThat(guard.limit()).isEqualTo(728 * MB);
        assertThat(guard.collections()).isEqualTo(1);
    }

    @Test
    void memoryHeldForGoodMovesTheAutomaticLimitUpInsteadOfCollectingOverAndOver() {
        guard.afterInference(0);
        heap.resident += 600 * MB; // live, not garbage: nothing to free
        guard.afterInference(SECOND);
        guard.afterInference(2 * SECOND);
        assertThat(guard.limit()).isEqualTo(1350 * MB);

        guard.afterInference(30 * SECOND);
        guard.afterInference(60 * SECOND);
        assertThat(heap.collections).isEqualTo(1);
    }

    @Test
    void aFreedTowerBringsTheAutomaticLimitDownAtTheNextInference() {
        heap.resident = 1200 * MB; // both towers
        guard.afterInference(0);
        assertThat(guard.limit()).isEqualTo(1350 * MB);

        heap.resident -= 500 * MB; // the text tower's weights freed
        heap.leave(100 * MB); // and garbage the collector has yet to find
        guard.holdingsChanged();
        guard.afterInference(SECOND); // collects at once, though under the limit and within the interval
        assertThat(heap.collections).isEqualTo(1);
        guard.afterInference(SECOND + ResidentMemoryGuard.TRIM_DELAY_NANOS);

        assertThat(heap.resident).isEqualTo(700 * MB);
        assertThat(guard.limit()).isEqualTo(ResidentMemoryGuard.automaticLimit(700 * MB));
        heap.leave(200 * MB); // 900 MB: now over the limit, so collected again after the interval
        guard.afterInference(SECOND + ResidentMemoryGuard.MIN_INTERVAL_NANOS + 1);
        assertThat(heap.collections).isEqualTo(2);
    }

    @Test
    void holdingsChangedBeforeTheFirstInferenceOrWithAGivenLimitChangesNothing() {
        guard.holdingsChanged();
        guard.afterInference(0);
        assertThat(heap.collections).isZero();

        guard.limit(700 * MB);
        guard.holdingsChanged();
        guard.afterInference(SECOND);
        assertThat(heap.collections).isZero();
        assertThat(guard.limit()).isEqualTo(700 * MB);
    }

    @Test
    void aGivenLimitStaysAndIsCheckedAtMostOncePerInterval() {
        guard.limit(700 * MB);
        heap.resident = 800 * MB;
        guard.afterInference(100 * SECOND);
        guard.afterInference(101 * SECOND); // trim
        guard.afterInference(105 * SECOND);
        guard.afterInference(109 * SECOND);
        assertThat(heap.collections).isEqualTo(1);
        assertThat(guard.limit()).isEqualTo(700 * MB);

        guard.afterInference(110 * SECOND);
        assertThat(heap.collections).isEqualTo(2);
        assertThatThrownBy(() -> guard.limit(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
