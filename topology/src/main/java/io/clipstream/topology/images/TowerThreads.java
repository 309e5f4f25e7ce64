package io.clipstream.topology.images;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The threads the image tower runs on when it overlaps the stream threads ({@code image.batch.overlap}): one per stream
 * thread, shared by all the tasks that stream thread runs, and kept for the life of the topology. SameDiff keeps
 * an inference session (with its cache of activation arrays) per calling thread and never drops it, so a thread
 * per task, made anew when a task moves, would leave a session behind at every rebalance and hold one per task.
 */
public final class TowerThreads {
    private final Map<Thread, ExecutorService> byStreamThread = new ConcurrentHashMap<>();

    /** The tower thread of the calling stream thread. */
    ExecutorService forCurrentThread() {
        return byStreamThread.computeIfAbsent(
                Thread.currentThread(),
                streamThread -> Executors.newSingleThreadExecutor(r -> {
                    // "tower-" first: Linux keeps 15 characters of a thread name, and the OpenMP workers the tower
                    // starts inherit it.
                    Thread t = new Thread(r, "tower-" + streamThread.getName());
                    t.setDaemon(true);
                    return t;
                }));
    }

    /** How many tower threads exist (one per stream thread that has flushed with overlap). */
    int size() {
        return byStreamThread.size();
    }
}
