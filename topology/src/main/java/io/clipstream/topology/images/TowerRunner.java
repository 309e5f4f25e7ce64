package io.clipstream.topology.images;

import io.clipstream.topology.ImageEncoder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;

/**
 * Runs batches through the image tower, one at a time and in order. Inline, the stream thread waits for the tower;
 * overlapped ({@code image.batch.overlap}), the tower runs on the stream thread's {@link TowerThreads tower thread} while
 * the stream thread reads and prepares the next batch, and a batch is handed back once the tower is done with it.
 */
final class TowerRunner {
    private final ImageEncoder encoder;
    private final TowerThreads towers;
    private final boolean overlap;
    private ImageBatch inTower;

    TowerRunner(ImageEncoder encoder, TowerThreads towers, boolean overlap) {
        this.encoder = encoder;
        this.towers = towers;
        this.overlap = overlap;
    }

    /** Starts {@code batch}; returns the batches now finished, oldest first, for the caller to emit. */
    List<ImageBatch> run(ImageBatch batch) {
        if (!overlap) {
            batch.encode(encoder);
            return List.of(batch);
        }
        List<ImageBatch> done = new ArrayList<>(awaitInTower());
        batch.encoding = towers.forCurrentThread().submit(() -> batch.encode(encoder));
        inTower = batch;
        return done;
    }

    /** The batch in the tower if the tower is done with it, else nothing. */
    List<ImageBatch> finished() {
        return inTower != null && inTower.encoding.isDone() ? awaitInTower() : List.of();
    }

    /** Waits for the batch in the tower, if any. */
    List<ImageBatch> awaitInTower() {
        if (inTower == null) {
            return List.of();
        }
        ImageBatch batch = inTower;
        inTower = null;
        try {
            batch.encoding.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the image tower ran", e);
        } catch (ExecutionException e) {
            batch.failed(e.getCause());
        }
        return List.of(batch);
    }

    /** Forgets the batch in the tower: its images are still buffered, so they are answered after a restart. */
    void drop() {
        inTower = null;
    }
}
