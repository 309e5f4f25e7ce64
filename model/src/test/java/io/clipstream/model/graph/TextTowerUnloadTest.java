package io.clipstream.model.graph;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.model.GoldenFiles;
import io.clipstream.model.checkpoint.StateDict;
import io.clipstream.model.config.ClipConfig;
import io.clipstream.model.config.ModelDirectory;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The text tower freed while unused and read again from the checkpoint gives the same embeddings. */
class TextTowerUnloadTest {
    private static final ModelDirectory DIR = new ModelDirectory(GoldenFiles.tinyModelDir());

    @Test
    void aFreedTextTowerIsReadAgainAndGivesTheSameEmbeddings() throws Exception {
        try (ClipGraph graph = ClipGraph.load(DIR.config(), DIR.weights(), Duration.ofMillis(50))) {
            float[][] first = graph.encodeTexts(GoldenFiles.textIds());
            float[][] images = graph.encodeImages(GoldenFiles.golden("images.f32"), 3);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (graph.textTowerLoaded() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(graph.textTowerLoaded()).as("freed after 50 ms unused").isFalse();
            assertThat(graph.encodeImages(GoldenFiles.golden("images.f32"), 3))
                    .as("the image tower is not touched")
                    .isDeepEqualTo(images);

            long reloads = graph.textTowerReloads();
            assertThat(graph.encodeTexts(GoldenFiles.textIds())).isDeepEqualTo(first);
            assertThat(graph.textTowerReloads()).isEqualTo(reloads + 1);
        }
    }

    @Test
    void aTextTowerBuiltFromTheCheckpointIsNeverFreed() throws Exception {
        ClipConfig config = DIR.config();
        try (ClipGraph graph = ClipGraph.build(config, StateDict.read(DIR.weights()))) {
            graph.encodeTexts(GoldenFiles.textIds());
            Thread.sleep(100);
            assertThat(graph.textTowerLoaded()).isTrue();
        }
    }

    @Test
    void theSlotFreesOnlyAnIdleTowerNobodyUses() throws Exception {
        ClipConfig config = DIR.config();
        AtomicLong now = new AtomicLong();
        AtomicInteger loads = new AtomicInteger();
        TextTowerSlot.Loader loader = () -> {
            loads.incrementAndGet();
            StateDict weights = StateDict.read(DIR.weights()).only("text.");
            return TowerGraph.build(sd ->
                    TextTower.build(sd, weights, config.text(), config.embedDim(), config.textProjectionHidden()));
        };
        TextTowerSlot slot = TextTowerSlot.unloadingManually(loader.load(), loader, Duration.ofSeconds(10), now::get);

        TowerGraph inUse = slot.acquire();
        assertThat(slot.reloads()).as("taken before the first check: no reload").isZero();
        now.set(Duration.ofSeconds(60).toNanos());
        assertThat(slot.unloadIfIdle()).as("in use").isFalse();
        slot.release();
        now.addAndGet(Duration.ofSeconds(10).toNanos() - 1);
        assertThat(slot.unloadIfIdle()).as("idle 1 ns short of the limit").isFalse();
        now.addAndGet(1);
        assertThat(slot.unloadIfIdle()).as("idle exactly the limit").isTrue();
        assertThat(slot.loaded()).isFalse();

        assertThat(slot.acquire()).isNotSameAs(inUse);
        slot.release();
        assertThat(loads.get()).isEqualTo(2);
        assertThat(slot.reloads()).isEqualTo(1);
    }

    @Test
    void aTowerItsUserIsDoneWithGoesAfterTheGraceUnlessTakenAgain() throws Exception {
        TextTowerSlot.Loader loader = TextTowerUnloadTest::textTower;
        AtomicLong now = new AtomicLong(Duration.ofSeconds(100).toNanos());
        TextTowerSlot slot = TextTowerSlot.unloadingManually(loader.load(), loader, Duration.ofSeconds(10), now::get);
        long grace = TextTowerSlot.GRACE.toNanos();

        slot.acquire();
        slot.release();
        slot.idleNow();
        now.addAndGet(grace - 1);
        assertThat(slot.unloadIfIdle()).as("within the grace").isFalse();
        slot.acquire(); // used again: the whole idle time starts over
        slot.release();
        now.addAndGet(grace);
        assertThat(slot.unloadIfIdle()).as("used again within the grace").isFalse();

        slot.idleNow();
        now.addAndGet(grace);
        assertThat(slot.unloadIfIdle()).as("done, and the grace is over").isTrue();
        assertThat(slot.reloads()).isZero();
    }

    @Test
    void aTowerKeptForGoodIsNotFreedWhenItsUserIsDone() throws Exception {
        TextTowerSlot slot = TextTowerSlot.resident(textTower());
        slot.idleNow();
        assertThat(slot.unloadIfIdle()).isFalse();
        assertThat(slot.loaded()).isTrue();
    }

    @Test
    void aTowerBuiltAtStartAndNotUsedIsFreedAtTheFirstCheck() throws Exception {
        TextTowerSlot.Loader loader = TextTowerUnloadTest::textTower;
        TextTowerSlot slot = TextTowerSlot.unloadingManually(loader.load(), loader, Duration.ofSeconds(10), () -> 0L);
        assertThat(slot.unloadIfIdle()).isTrue();
        assertThat(slot.loaded()).isFalse();
    }

    @Test
    void theTextWeightsAloneAreAllTakenByTheTextTowerAndItsTokenTable() throws Exception {
        ClipConfig config = DIR.config();
        StateDict weights = StateDict.read(DIR.weights()).only("text.");
        assertThat(weights.keys()).isNotEmpty().allMatch(k -> k.startsWith("text."));
        weights.discard(TextTower.TYPE.tokenTableKey());
        TowerGraph.build(
                sd -> TextTower.build(sd, weights, config.text(), config.embedDim(), config.textProjectionHidden()));
        weights.requireAllTaken();
    }

    /** The tiny checkpoint's text tower, built from its text weights alone. */
    private static TowerGraph textTower() throws java.io.IOException {
        ClipConfig config = DIR.config();
        StateDict weights = StateDict.read(DIR.weights()).only("text.");
        return TowerGraph.build(
                sd -> TextTower.build(sd, weights, config.text(), config.embedDim(), config.textProjectionHidden()));
    }
}
