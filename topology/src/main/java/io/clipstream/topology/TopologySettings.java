package io.clipstream.topology;

import io.clipstream.search.SearchSettings;
import io.clipstream.topology.labelsets.LabelSetRules;
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
 * @param maxRecordBytes      the largest record every output topic and changelog accepts (what the service reads
 *                            from the cluster at start); no output is made larger, a dead letter's original bytes
 *                            are cut to fit
 * @param maxPrompts          label sets with more prompts in all (labels × prompts per label) are refused
 * @param flaggedTopic        also write every classification with at least one flagged label here (same key, value
 *                            and headers), for review queues; empty: off
 * @param examples            how many example images a label, and a label set, may carry
 * @param search              the searchable window of image embeddings (per task, changelogged)
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
        FetchSettings fetch,
        int maxRecordBytes,
        int maxPrompts,
        String flaggedTopic,
        ExampleLimits examples,
        SearchSettings search) {

    /** Kafka's own default record limit (broker {@code message.max.bytes}, producer {@code max.request.size}). */
    public static final int KAFKA_DEFAULT_MAX_RECORD_BYTES = 1_048_576;
    /** 1,000 labels × the 80 OpenAI templates fit, with room; 10,000 labels × 1,000 templates do not. */
    public static final int DEFAULT_MAX_PROMPTS = 100_000;

    public TopologySettings {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        if (maxWait.isNegative() || maxWait.isZero()) {
            throw new IllegalArgumentException("max wait must be positive, got " + maxWait);
        }
        if (preprocessThreads < 1
                || defaultTopK < 1
                || maxLabels < 1
                || maxPromptChars < 1
                || maxImageBytes < 1
                || maxRecordBytes < 1
                || maxPrompts < 1) {
            throw new IllegalArgumentException("threads, topK and limits must be positive");
        }
        flaggedTopic = flaggedTopic == null ? "" : flaggedTopic;
        examples = examples == null ? ExampleLimits.defaults() : examples;
        search = search == null ? SearchSettings.DEFAULTS : search;
    }

    /** The settings with Kafka's default record limit and the default prompt budget. */
    public TopologySettings(
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
        this(
                labelSetsTopic,
                labelEmbeddingsTopic,
                imagesTopic,
                classificationsTopic,
                imageEmbeddingsTopic,
                deadLetterTopic,
                emitImageEmbeddings,
                batchSize,
                maxWait,
                overlapTower,
                preprocessThreads,
                defaultTopK,
                maxLabels,
                maxPromptChars,
                maxImageBytes,
                fetch,
                KAFKA_DEFAULT_MAX_RECORD_BYTES,
                DEFAULT_MAX_PROMPTS,
                "",
                ExampleLimits.defaults(),
                SearchSettings.DEFAULTS);
    }

    /**
     * The defaults: N = 8, T = 50 ms, the tower overlapping the next batch's decoding, one preprocessing
     * thread per core, no URL fetching.
     */
    public static TopologySettings defaults() {
        return new TopologySettings(
                "label-sets",
                "label-embeddings",
                "images",
                "classifications",
                "image-embeddings",
                "images-dlq",
                false,
                8,
                Duration.ofMillis(50),
                true,
                Runtime.getRuntime().availableProcessors(),
                5,
                10_000,
                1_000,
                20L << 20,
                FetchSettings.disabled(),
                KAFKA_DEFAULT_MAX_RECORD_BYTES,
                DEFAULT_MAX_PROMPTS,
                "",
                ExampleLimits.defaults(),
                SearchSettings.DEFAULTS);
    }

    public TopologySettings withBatch(int size, Duration wait) {
        return new TopologySettings(
                labelSetsTopic,
                labelEmbeddingsTopic,
                imagesTopic,
                classificationsTopic,
                imageEmbeddingsTopic,
                deadLetterTopic,
                emitImageEmbeddings,
                size,
                wait,
                overlapTower,
                preprocessThreads,
                defaultTopK,
                maxLabels,
                maxPromptChars,
                maxImageBytes,
                fetch,
                maxRecordBytes,
                maxPrompts,
                flaggedTopic,
                examples,
                search);
    }

    public TopologySettings withOverlapTower(boolean overlap) {
        return new TopologySettings(
                labelSetsTopic,
                labelEmbeddingsTopic,
                imagesTopic,
                classificationsTopic,
                imageEmbeddingsTopic,
                deadLetterTopic,
                emitImageEmbeddings,
                batchSize,
                maxWait,
                overlap,
                preprocessThreads,
                defaultTopK,
                maxLabels,
                maxPromptChars,
                maxImageBytes,
                fetch,
                maxRecordBytes,
                maxPrompts,
                flaggedTopic,
                examples,
                search);
    }

    public TopologySettings withImageEmbeddings(boolean emit) {
        return new TopologySettings(
                labelSetsTopic,
                labelEmbeddingsTopic,
                imagesTopic,
                classificationsTopic,
                imageEmbeddingsTopic,
                deadLetterTopic,
                emit,
                batchSize,
                maxWait,
                overlapTower,
                preprocessThreads,
                defaultTopK,
                maxLabels,
                maxPromptChars,
                maxImageBytes,
                fetch,
                maxRecordBytes,
                maxPrompts,
                flaggedTopic,
                examples,
                search);
    }

    public TopologySettings withFetch(FetchSettings newFetch) {
        return new TopologySettings(
                labelSetsTopic,
                labelEmbeddingsTopic,
                imagesTopic,
                classificationsTopic,
                imageEmbeddingsTopic,
                deadLetterTopic,
                emitImageEmbeddings,
                batchSize,
                maxWait,
                overlapTower,
                preprocessThreads,
                defaultTopK,
                maxLabels,
                maxPromptChars,
                maxImageBytes,
                newFetch,
                maxRecordBytes,
                maxPrompts,
                flaggedTopic,
                examples,
                search);
    }

    /** With the record limit read from the cluster, and images no larger than fit in it. */
    public TopologySettings withMaxRecordBytes(int newMaxRecordBytes) {
        return new TopologySettings(
                labelSetsTopic,
                labelEmbeddingsTopic,
                imagesTopic,
                classificationsTopic,
                imageEmbeddingsTopic,
                deadLetterTopic,
                emitImageEmbeddings,
                batchSize,
                maxWait,
                overlapTower,
                preprocessThreads,
                defaultTopK,
                maxLabels,
                maxPromptChars,
                maxImageBytes,
                fetch,
                newMaxRecordBytes,
                maxPrompts,
                flaggedTopic,
                examples,
                search);
    }

    public TopologySettings withMaxPrompts(int newMaxPrompts) {
        return new TopologySettings(
                labelSetsTopic,
                labelEmbeddingsTopic,
                imagesTopic,
                classificationsTopic,
                imageEmbeddingsTopic,
                deadLetterTopic,
                emitImageEmbeddings,
                batchSize,
                maxWait,
                overlapTower,
                preprocessThreads,
                defaultTopK,
                maxLabels,
                maxPromptChars,
                maxImageBytes,
                fetch,
                maxRecordBytes,
                newMaxPrompts,
                flaggedTopic,
                examples,
                search);
    }

    public TopologySettings withLimits(int newMaxLabels, int newMaxPromptChars) {
        return new TopologySettings(
                labelSetsTopic,
                labelEmbeddingsTopic,
                imagesTopic,
                classificationsTopic,
                imageEmbeddingsTopic,
                deadLetterTopic,
                emitImageEmbeddings,
                batchSize,
                maxWait,
                overlapTower,
                preprocessThreads,
                defaultTopK,
                newMaxLabels,
                newMaxPromptChars,
                maxImageBytes,
                fetch,
                maxRecordBytes,
                maxPrompts,
                flaggedTopic,
                examples,
                search);
    }

    /** With classifications that flag a label also written to {@code topic} (empty: off). */
    public TopologySettings withFlaggedTopic(String topic) {
        return new TopologySettings(
                labelSetsTopic,
                labelEmbeddingsTopic,
                imagesTopic,
                classificationsTopic,
                imageEmbeddingsTopic,
                deadLetterTopic,
                emitImageEmbeddings,
                batchSize,
                maxWait,
                overlapTower,
                preprocessThreads,
                defaultTopK,
                maxLabels,
                maxPromptChars,
                maxImageBytes,
                fetch,
                maxRecordBytes,
                maxPrompts,
                topic,
                examples,
                search);
    }

    public TopologySettings withExampleLimits(ExampleLimits newExamples) {
        return new TopologySettings(
                labelSetsTopic,
                labelEmbeddingsTopic,
                imagesTopic,
                classificationsTopic,
                imageEmbeddingsTopic,
                deadLetterTopic,
                emitImageEmbeddings,
                batchSize,
                maxWait,
                overlapTower,
                preprocessThreads,
                defaultTopK,
                maxLabels,
                maxPromptChars,
                maxImageBytes,
                fetch,
                maxRecordBytes,
                maxPrompts,
                flaggedTopic,
                newExamples,
                search);
    }

    /** With the searchable window's settings. */
    public TopologySettings withSearch(SearchSettings newSearch) {
        return new TopologySettings(
                labelSetsTopic,
                labelEmbeddingsTopic,
                imagesTopic,
                classificationsTopic,
                imageEmbeddingsTopic,
                deadLetterTopic,
                emitImageEmbeddings,
                batchSize,
                maxWait,
                overlapTower,
                preprocessThreads,
                defaultTopK,
                maxLabels,
                maxPromptChars,
                maxImageBytes,
                fetch,
                maxRecordBytes,
                maxPrompts,
                flaggedTopic,
                examples,
                newSearch);
    }

    /** Whether flagged classifications also go to {@link #flaggedTopic()}. */
    public boolean flaggedTopicEnabled() {
        return !flaggedTopic.isEmpty();
    }

    /**
     * Rules for images given by URL. Off by default: a URL is refused unless fetching is enabled and its host is
     * on the allow-list. Addresses that are loopback, private, link-local or multicast are refused unless listed
     * in {@code allowedAddresses} (tests list 127.0.0.1), which closes the usual server-side request forgery holes.
     */
    public record FetchSettings(
            boolean enabled,
            Set<String> allowedHosts,
            Set<String> allowedAddresses,
            Duration connectTimeout,
            Duration readTimeout) {
        public FetchSettings {
            allowedHosts = Set.copyOf(allowedHosts);
            allowedAddresses = Set.copyOf(allowedAddresses);
        }

        public static FetchSettings disabled() {
            // connect + read stay well under the 10 s an exactly-once transaction may be open: a batch waits for them
            return new FetchSettings(false, Set.of(), Set.of(), Duration.ofSeconds(2), Duration.ofSeconds(4));
        }
    }

    /**
     * How many example images label sets may carry: {@code perLabel} for one label, {@code perSet} for the whole set.
     * Each example also counts as {@link LabelSetRules#EXAMPLE_PROMPTS} prompts against the prompt budget.
     */
    public record ExampleLimits(int perLabel, int perSet) {
        /** Most examples a set may carry at all: the pending store keeps a 32-byte hash per example in one record. */
        public static final int MAX_PER_SET = 10_000;

        public ExampleLimits {
            if (perLabel < 0 || perSet < 0 || perSet > MAX_PER_SET) {
                throw new IllegalArgumentException("example limits must be 0 to " + MAX_PER_SET + ", got " + perLabel
                        + " per label and " + perSet + " per set");
            }
        }

        /** 64 examples per label, 1,000 per set. */
        public static ExampleLimits defaults() {
            return new ExampleLimits(64, 1_000);
        }
    }
}
