package io.clipstream.topology;

import java.util.List;

/** The text half of the model as the topology uses it: prompts to raw text embeddings. */
public interface TextEncoder {
    /** Model id; part of the prompt cache key so a new model never reuses an old model's embeddings. */
    String modelId();

    /** Raw text embeddings, one row per prompt. */
    float[][] encodeTexts(List<String> prompts);

    /**
     * The caller has no prompts left for now (its label sets are written): the tower may be freed soon rather than
     * after the whole idle time.
     */
    default void idleNow() {}
}
