package io.clipstream.schemas.registry;

import java.util.List;
import org.apache.avro.Schema;

/**
 * What the serde needs from a schema registry with Confluent's data model: subjects holding numbered
 * versions of Avro schemas, each schema with a registry-wide id. Every method throws
 * {@link SchemaRegistryException} on a registry error.
 */
public interface SchemaRegistryClient {

    /** Registers {@code schema} under {@code subject} (idempotent) and returns its id. */
    int register(String subject, Schema schema);

    /** The schema with registry id {@code id}; SCHEMA_NOT_FOUND if there is none. */
    Schema schemaById(int id);

    /** The newest version of {@code subject}; SUBJECT_NOT_FOUND if it has none. */
    RegisteredSchema latest(String subject);

    /** A given version of {@code subject}. */
    RegisteredSchema version(String subject, int version);

    /** The version of {@code subject} that holds {@code schema}; SCHEMA_NOT_FOUND if not registered there. */
    RegisteredSchema lookup(String subject, Schema schema);

    /** Compatibility violations of {@code schema} against {@code subject}'s versions; empty if it could be registered. */
    List<String> compatibilityViolations(String subject, Schema schema);

    /** All subjects with at least one version. */
    List<String> subjects();

    /** Version numbers of {@code subject}, ascending. */
    List<Integer> versions(String subject);

    /** The level in force for {@code subject} (its own, else the global one); null subject means global. */
    Compatibility compatibility(String subject);

    /** Sets {@code subject}'s level; null subject sets the global one. */
    void setCompatibility(String subject, Compatibility level);
}
