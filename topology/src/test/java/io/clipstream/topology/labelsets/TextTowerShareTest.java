package io.clipstream.topology.labelsets;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The rule that keeps label-set encoding from starving images, on a fake clock (milliseconds here). */
class TextTowerShareTest {
    private static final long MS = 1_000_000L;
    private final AtomicLong clock = new AtomicLong(1_000_000 * MS);
    private final TextTowerShare share = new TextTowerShare(clock::get);

    @Test
    void withNoImagesAStepRunsForHalfASecondAndTheNextFollowsAtOnce() {
        long start = share.now();
        assertThat(share.mayStep()).isTrue();
        clock.addAndGet(499 * MS);
        assertThat(share.mayContinue(start)).isTrue();
        clock.addAndGet(MS);
        assertThat(share.mayContinue(start)).isFalse();
        share.stepped(start);
        assertThat(share.mayStep()).isTrue();
    }

    @Test
    void whileImagesFlowAStepIsOneBatchAndTheNextWaitsAsLongAsItTook() {
        share.imageRead();
        long start = share.now();
        assertThat(share.mayContinue(start)).isFalse();
        clock.addAndGet(300 * MS);
        share.stepped(start);
        clock.addAndGet(299 * MS);
        assertThat(share.mayStep()).isFalse();
        clock.addAndGet(MS);
        assertThat(share.mayStep()).isTrue();
    }

    @Test
    void whileImagesFlowTheNextStepWaitsASecondAtMostAfterALongOne() {
        share.imageRead();
        long start = share.now();
        clock.addAndGet(6_000 * MS); // the text tower was loaded first
        share.imageRead();
        share.stepped(start);
        clock.addAndGet(999 * MS);
        assertThat(share.mayStep()).isFalse();
        clock.addAndGet(MS);
        assertThat(share.mayStep()).isTrue();
    }

    @Test
    void imagesStopFlowingASecondAfterTheLastOne() {
        share.imageRead();
        clock.addAndGet(999 * MS);
        assertThat(share.imagesFlowing()).isTrue();
        clock.addAndGet(MS);
        assertThat(share.imagesFlowing()).isFalse();
    }
}
