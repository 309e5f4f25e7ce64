package io.clipstream.topology.images;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The flush rule alone: full batches, waits, the stale clock after a flush, and ready images a flush leaves. */
class BatchPolicyTest {
    private final BatchPolicy policy = new BatchPolicy(3, 100);

    @Test
    void aFullBatchFlushesAtOnce() {
        assertThat(policy.ready(0)).isFalse();
        assertThat(policy.ready(1)).isFalse();
        assertThat(policy.ready(2)).isTrue();
    }

    @Test
    void aPartialBatchFlushesOnceTheOldestHasWaitedMaxWait() {
        policy.ready(1_000);
        policy.ready(1_050);
        assertThat(policy.due(1_099)).isFalse();
        assertThat(policy.due(1_100)).isTrue();
    }

    @Test
    void nothingWaitingIsNeverDue() {
        assertThat(policy.due(1_000_000)).isFalse();
    }

    @Test
    void anImageStampedWithTheTimeFromBeforeAFlushWaitsFromTheNextTick() {
        policy.flushing(1_000);
        policy.flushed(0);
        policy.ready(1_000); // processed after the tower ran, stamped with the flush's time
        assertThat(policy.due(1_500)).isFalse(); // its wait starts here
        assertThat(policy.due(1_599)).isFalse();
        assertThat(policy.due(1_600)).isTrue();
    }

    @Test
    void readyImagesAFlushLeftWaitingAreDueAgainMaxWaitAfterItAndCountTowardsTheNextBatch() {
        policy.ready(0);
        policy.ready(1);
        policy.ready(2);
        policy.flushing(10);
        policy.flushed(1); // one held back behind a fetch of its key
        assertThat(policy.ready()).isEqualTo(1);
        assertThat(policy.due(109)).isFalse();
        assertThat(policy.due(110)).isTrue();
        assertThat(policy.ready(111)).isFalse();
        assertThat(policy.ready(112)).isTrue();
    }

    @Test
    void restoredImagesCountTowardsTheNextBatch() {
        policy.restored(2, 500);
        assertThat(policy.due(600)).isTrue();
        assertThat(policy.ready(601)).isTrue();
    }
}
