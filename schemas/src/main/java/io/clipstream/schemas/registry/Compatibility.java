package io.clipstream.schemas.registry;

import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

/**
 * Confluent's compatibility levels: which earlier versions of a subject a new schema must agree with,
 * and in which direction. BACKWARD means consumers using the new schema can read data written with the
 * previous one (the registry's default).
 */
public enum Compatibility {
    NONE,
    BACKWARD,
    BACKWARD_TRANSITIVE,
    FORWARD,
    FORWARD_TRANSITIVE,
    FULL,
    FULL_TRANSITIVE;

    /**
     * Whether {@code candidate} may follow {@code existing} (oldest first).
     *
     * @return empty if allowed, else one message per violated pair
     */
    public List<String> violations(Schema candidate, List<Schema> existing) {
        if (this == NONE || existing.isEmpty()) {
            return List.of();
        }
        boolean transitive = name().endsWith("_TRANSITIVE");
        List<Schema> against = transitive ? existing : List.of(existing.get(existing.size() - 1));
        boolean backward = this == BACKWARD || this == BACKWARD_TRANSITIVE || this == FULL || this == FULL_TRANSITIVE;
        boolean forward = this == FORWARD || this == FORWARD_TRANSITIVE || this == FULL || this == FULL_TRANSITIVE;
        var messages = new java.util.ArrayList<String>();
        for (Schema old : against) {
            if (backward) {
                check(candidate, old, "new schema cannot read data written with an old one", messages);
            }
            if (forward) {
                check(old, candidate, "old schema cannot read data written with the new one", messages);
            }
        }
        return messages;
    }

    private static void check(Schema reader, Schema writer, String what, List<String> messages) {
        var result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer)
                .getResult();
        if (result.getCompatibility() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            for (var incompatibility : result.getIncompatibilities()) {
                messages.add(what + ": " + incompatibility.getType() + " at " + incompatibility.getLocation() + ": "
                        + incompatibility.getMessage());
            }
        }
    }

    /** Parses a level name as sent over the REST API. */
    public static Compatibility parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (RuntimeException e) {
            throw new SchemaRegistryException(
                    SchemaRegistryException.Kind.INVALID_COMPATIBILITY_LEVEL, "Invalid compatibility level: " + name);
        }
    }
}
