package io.clipstream.model.tokenizer;

import java.util.List;
import java.util.Map;

/**
 * What a byte-level BPE tokenizer file holds: token -> id, the merges in rank order, and the added
 * (special) tokens. Read by {@link BpeFiles}; the same shape for tokenizer.json and vocab.json + merges.txt.
 */
public record BpeVocabulary(Map<String, Integer> vocab, List<Merge> merges, List<AddedToken> addedTokens) {

    public BpeVocabulary {
        vocab = Map.copyOf(vocab);
        merges = List.copyOf(merges);
        addedTokens = List.copyOf(addedTokens);
    }

    /** One merge rule: the adjacent symbols {@code left} and {@code right} become {@code left + right}. */
    public record Merge(String left, String right) {}

    /**
     * A token matched verbatim in the text before BPE, as Hugging Face does for {@code <s>}, {@code <mask>}...
     * {@code lstrip}/{@code rstrip}: it swallows the whitespace on that side.
     */
    public record AddedToken(int id, String content, boolean lstrip, boolean rstrip) {}

    /** The id of an added or vocabulary token, or an exception naming the missing token. */
    public int idOf(String token) {
        for (AddedToken t : addedTokens) {
            if (t.content().equals(token)) {
                return t.id();
            }
        }
        Integer id = vocab.get(token);
        if (id == null) {
            throw new IllegalArgumentException("tokenizer has no token " + token);
        }
        return id;
    }
}
