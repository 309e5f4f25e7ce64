package io.clipstream.topology;

import io.clipstream.schemas.DeadLetter;

/**
 * What a processor made of one input: a value for its output topic, or the dead letter that takes its place. The
 * topology routes on {@link #ok()}, so each branch has its own type and serde. A null value with no dead letter is a
 * tombstone.
 */
public record Outcome<V>(V value, DeadLetter deadLetter) {

    public static <V> Outcome<V> of(V value) {
        return new Outcome<>(value, null);
    }

    public static <V> Outcome<V> failed(DeadLetter deadLetter) {
        return new Outcome<>(null, deadLetter);
    }

    public boolean ok() {
        return deadLetter == null;
    }
}
