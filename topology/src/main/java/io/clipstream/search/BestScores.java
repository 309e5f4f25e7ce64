package io.clipstream.search;

/**
 * The {@code k} highest scores offered so far with who they belong to (a window's index and a slot), as a min-heap:
 * an offer below the k-th best costs one comparison.
 */
final class BestScores {
    private final float[] scores;
    private final int[] windows;
    private final long[] slots;
    private int size;

    BestScores(int k) {
        scores = new float[k];
        windows = new int[k];
        slots = new long[k];
    }

    /** The score a new offer must beat once full. */
    float floor() {
        return size < scores.length ? Float.NEGATIVE_INFINITY : scores[0];
    }

    void offer(float score, int window, long slot) {
        if (size < scores.length) {
            int i = size++;
            scores[i] = score;
            windows[i] = window;
            slots[i] = slot;
            up(i);
        } else if (score > scores[0]) {
            scores[0] = score;
            windows[0] = window;
            slots[0] = slot;
            down(0);
        }
    }

    void addAll(BestScores other) {
        for (int i = 0; i < other.size; i++) {
            offer(other.scores[i], other.windows[i], other.slots[i]);
        }
    }

    int size() {
        return size;
    }

    float score(int i) {
        return scores[i];
    }

    int window(int i) {
        return windows[i];
    }

    long slot(int i) {
        return slots[i];
    }

    private void up(int i) {
        while (i > 0) {
            int parent = (i - 1) / 2;
            if (scores[parent] <= scores[i]) {
                return;
            }
            swap(i, parent);
            i = parent;
        }
    }

    private void down(int i) {
        while (true) {
            int smallest = i;
            int left = 2 * i + 1;
            int right = left + 1;
            if (left < size && scores[left] < scores[smallest]) {
                smallest = left;
            }
            if (right < size && scores[right] < scores[smallest]) {
                smallest = right;
            }
            if (smallest == i) {
                return;
            }
            swap(i, smallest);
            i = smallest;
        }
    }

    private void swap(int a, int b) {
        float s = scores[a];
        scores[a] = scores[b];
        scores[b] = s;
        int w = windows[a];
        windows[a] = windows[b];
        windows[b] = w;
        long l = slots[a];
        slots[a] = slots[b];
        slots[b] = l;
    }
}
