package io.clipstream.topology.labelsets;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The label sets an instance is encoding right now and how far each has got, for the log, {@code /metrics} and
 * {@code /health/ready}. Written by the encoder's stream thread, read by any thread.
 */
public final class LabelSetProgress {
    /** One set under way: {@code encoded} of its {@code total} prompts are in the prompt cache. */
    public record Encoding(String setId, long version, long encoded, long total) {}

    private final Map<String, Encoding> encoding = new ConcurrentHashMap<>();

    public void update(String setId, long version, long encoded, long total) {
        encoding.put(setId, new Encoding(setId, version, encoded, total));
    }

    public void remove(String setId) {
        encoding.remove(setId);
    }

    /** The sets under way, by id. */
    public List<Encoding> encoding() {
        return encoding.values().stream()
                .sorted(java.util.Comparator.comparing(Encoding::setId))
                .toList();
    }

    public long promptsEncoded() {
        return encoding.values().stream().mapToLong(Encoding::encoded).sum();
    }

    public long promptsTotal() {
        return encoding.values().stream().mapToLong(Encoding::total).sum();
    }
}
