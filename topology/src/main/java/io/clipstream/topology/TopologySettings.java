package io.clipstream.topology;

import java.time.Duration;
import java.util.Set;

/**
 * Everything the topology's shape and limits depend on, in one immutable value. Topic names default to the
 * issue's names; {@link #defaults()} is what the service runs with unless told otherwise.
 *
 * @param labelSetsTopic      compacted input of {@code LabelSet} records keyed by set id
 * @param labelEmbeddingsTopic compacted output of {@code LabelEmbedding} records keyed {@code <setId>/<label>}
 * @param imagesTopic         input of {@code ImageEvent} records keyed by image id
 * @param classificationsTopic output of {@code Classification} records, same key as the image
 * @param imageEmbeddingsTopic output of {@code ImageEmbedding} records (only when {@code emitImageEmbeddings})
 * @param deadLetterTopic     every input that could not be processed, as a {@code DeadLetter}
 * @param emitImageEmbeddings whether image vectors are also written to {@code imageEmbeddingsTopic}
 * @param batchSize           the image tower runs when this many images are buffered (N)
 * @param maxWait             ... or when the oldest buffered image has waited this long (T, wall clock)
 * @param overlapTower        run the image tower on a worker thread, so that the next batch is read and decoded
 *                            while it runs; false: on the stream thread, which then reads nothing meanwhile
 * @param preprocessThreads   threads that decode and preprocess images of a task in parallel
 * @param defaultTopK         labels listed per classification when the label set gives no topK
 * @param maxLabels           label sets with more labels are refused as INVALID_LABEL_SET
 * @param maxPromptChars      prompts (templates filled with a label name) longer than this are refused
 * @param maxImageBytes       inline or fetched images larger than this are IMAGE_TOO_LARGE (pixels are limited by the model)
 * @param fetch               rules for images given by URL
 */
public record TopologySettings(
        String labelSetsTopic,
        String labelEmbeddingsTopic,
        String imagesTopic,
        String classificationsTopic,
        String imageEmbeddingsTopic,
        String deadLetterTopic,
        boolean emitImageEmbeddings,
        int batchSize,
        Duration maxWait,
        boolean overlapTower,
        int preprocessThreads,
        int defaultTopK,
        int maxLabels,
        int maxPromptChars,
        long maxImageBytes,
        FetchSettings fetch) {

    public TopologySettings {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        if (maxWait.isNegative() || maxWait.isZero()) {
            throw new IllegalArgumentException("max wait must be positive, got " + maxWait);
        }
        if (preprocessThreads < 1 || defaultTopK < 1 || maxLabels < 1 || maxPromptChars < 1 || maxImageBytes < 1) {
            throw new IllegalArgumentException("threads, topK and limits must be positive");
        }
    }

    /**
     * The defaults: N = 8, T = 50 ms, the tower overlapping the next batch's decoding, one preprocessing
     * thread per core, no URL fetching.
     */
    public static TopologySettings defaults() {
        return new TopologySettings("label-sets", "label-embeddings", "images", "classifications",
                "image-embeddings", "images-dlq", false, 8, Duration.ofMillis(50), true,
                Runtime.getRuntime().availableProcessors(), 5, 10_000, 1_000, 20L << 20, FetchSettings.disabled());
    }

    public TopologySettings withBatch(int size, Duration wait) {
        return new TopologySettings(labelSetsTopic, labelEmbeddingsTopic, imagesTopic, classificationsTopic,
                imageEmbeddingsTopic, deadLetterTopic, emitImageEmbeddings, size, wait, overlapTower, preprocessThreads,
                defaultTopK, maxLabels, maxPromptChars, maxImageBytes, fetch);
    }

    public TopologySettings withOverlapTower(boolean overlap) {
        return new TopologySettings(labelSetsTopic, labelEmbeddingsTopic, imagesTopic, classificationsTopic,
                imageEmbeddingsTopic, deadLetterTopic, emitImageEmbeddings, batchSize, maxWait, overlap,
                preprocessThreads, defaultTopK, maxLabels, maxPromptChars, maxImageBytes, fetch);
    }

    public TopologySettings withImageEmbeddings(boolean emit) {
        return new TopologySettings(labelSetsTopic, labelEmbeddingsTopic, imagesTopic, classificationsTopic,
                imageEmbeddingsTopic, deadLetterTopic, emit, batchSize, maxWait, overlapTower, preprocessThreads,
                defaultTopK, maxLabels, maxPromptChars, maxImageBytes, fetch);
    }

    public TopologySettings withFetch(FetchSettings newFetch) {
        return new TopologySettings(labelSetsTopic, labelEmbeddingsTopic, imagesTopic, classificationsTopic,
                imageEmbeddingsTopic, deadLetterTopic, emitImageEmbeddings, batchSize, maxWait, overlapTower, preprocessThreads,
                defaultTopK, maxLabels, maxPromptChars, maxImageBytes, newFetch);
    }

    public TopologySettings withLimits(int newMaxLabels, int newMaxPromptChars) {
        return new TopologySettings(labelSetsTopic, labelEmbeddingsTopic, imagesTopic, classificationsTopic,
                imageEmbeddingsTopic, deadLetterTopic, emitImageEmbeddings, batchSize, maxWait, overlapTower, preprocessThreads,
                defaultTopK, newMaxLabels, newMaxPromptChars, maxImageBytes, fetch);
    }

    /**
     * Rules for images given by URL. Off by default: a URL is refused unless fetching is enabled and its host is
     * on the allow-list. Addresses that are loopback, private, link-local or multicast are refused unless listed
     * in {@code allowedAddresses} (tests list 127.0.0.1), which closes the usual server-side request forgery holes.
     */
    public record FetchSettings(boolean enabled, Set<String> allowedHosts, Set<String> allowedAddresses,
                                Duration connectTimeout, Duration readTimeout) {
        public FetchSettings {
            allowedHosts = Set.copyOf(allowedHosts);
            allowedAddresses = Set.copyOf(allowedAddresses);
        }

        public static FetchSettings disabled() {
            // connect + read stay well under the 10 s an exactly-once transaction may be open: a batch waits for them
            return new FetchSettings(false, Set.of(), Set.of(), Duration.ofSeconds(2), Duration.ofSeconds(4));
        }
    }
}
