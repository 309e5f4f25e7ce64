package io.clipstream.topology.labelsets;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Where label sets' text batches run: one thread for the whole instance, off the stream threads. A stream thread
 * that ran a text batch itself (a second or more on one core) fed its image tower nothing meanwhile, and the text
 * tower's first use after a pause loads it from the checkpoint (seconds). One thread also means one text-tower
 * inference session, with its cache of activations, whatever the number of stream threads.
 */
public final class TextTowerThread {
    private final ExecutorService executor;

    private TextTowerThread(ExecutorService executor) {
        this.executor = executor;
    }

    /** A daemon thread, started at the first batch and kept for the life of the process. */
    public static TextTowerThread daemon() {
        return new TextTowerThread(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "clipstream-text-tower");
            t.setDaemon(true);
            return t;
        }));
    }

    /** Runs each batch on the calling thread: the future is done when {@link #submit} returns. */
    public static TextTowerThread inline() {
        return new TextTowerThread(null);
    }

    Future<float[][]> submit(Callable<float[][]> batch) {
        if (executor != null) {
            return executor.submit(batch);
        }
        try {
            return CompletableFuture.completedFuture(batch.call());
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
