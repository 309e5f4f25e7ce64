package io.clipstream.schemas.registry;

import io.clipstream.schemas.registry.SchemaRegistryException.Kind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * A schema registry held in memory, with Confluent's rules: one id per distinct schema across all
 * subjects, versions numbered from 1 per subject, registration checked against the subject's
 * compatibility level (BACKWARD unless set). It is the {@code mock://scope} registry of the serde
 * (one instance per scope name, shared in the JVM) and the store behind {@link SchemaRegistryHttpServer}.
 */
public final class InMemorySchemaRegistry implements SchemaRegistryClient {

    private static final Map<String, InMemorySchemaRegistry> SCOPES = new ConcurrentHashMap<>();

    private final Map<String, Integer> idsBySchemaText = new HashMap<>();
    private final Map<Integer, Schema> schemasById = new HashMap<>();
    private final Map<String, List<Integer>> idsBySubject = new TreeMap<>(); // index = version - 1
    private final Map<String, Compatibility> subjectLevels = new HashMap<>();
    private Compatibility globalLevel = Compatibility.BACKWARD;
    private int nextId = 1;

    /** The registry shared by every {@code mock://scope} client with this scope name. */
    public static InMemorySchemaRegistry forScope(String scope) {
        return SCOPES.computeIfAbsent(scope, s -> new InMemorySchemaRegistry());
    }

    /** Forgets a scope, so the next {@link #forScope} starts empty. */
    public static void dropScope(String scope) {
        SCOPES.remove(scope);
    }

    /** Parses a schema as sent to a registry; INVALID_SCHEMA if it is not valid Avro. */
    public static Schema parse(String schemaText) {
        try {
            return new Schema.Parser().parse(schemaText);
        } catch (RuntimeException e) {
            throw new SchemaRegistryException(Kind.INVALID_SCHEMA, 42201, "Invalid schema: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized int register(String subject, Schema schema) {
        List<Integer> ids = idsBySubject.getOrDefault(subject, List.of());
        Integer known = idsBySchemaText.get(schema.toString());
        if (known != null && ids.contains(known)) {
            return known;
        }
        List<String> violations = compatibilityViolations(subject, schema);
        if (!violations.isEmpty()) {
            throw new SchemaRegistryException(
                    Kind.INCOMPATIBLE_SCHEMA,
                    "Schema being registered is incompatible with an earlier schema for subject \"" + subject + "\": "
                            + String.join("; ", violations));
        }
        int id = known != null ? known : newId(schema);
        idsBySubject.computeIfAbsent(subject, s -> new ArrayList<>()).add(id);
        return id;
    }

    private int newId(Schema schema) {
        int id = nextId++;
        idsBySchemaText.put(schema.toString(), id);
        schemasById.put(id, schema);
        return id;
    }

    @Override
    public synchronized Schema schemaById(int id) {
        Schema schema = schemasById.get(id);
        if (schema == null) {
            throw new SchemaRegistryException(Kind.SCHEMA_NOT_FOUND, "Schema " + id + " not found");
        }
        return schema;
    }

    @Override
    public synchronized RegisteredSchema latest(String subject) {
        List<Integer> ids = idsOf(subject);
        return entry(subject, ids.size());
    }

    @Override
    public synchronized RegisteredSchema version(String subject, int version) {
        List<Integer> ids = idsOf(subject);
        if (version < 1 || version > ids.size()) {
            throw new SchemaRegistryException(Kind.VERSION_NOT_FOUND, "Version " + version + " not found");
        }
        return entry(subject, version);
    }

    @Override
    public synchronized RegisteredSchema lookup(String subject, Schema schema) {
        List<Integer> ids = idsOf(subject);
        Integer id = idsBySchemaText.get(schema.toString());
        int index = id == null ? -1 : ids.indexOf(id);
        if (index < 0) {
            throw new SchemaRegistryException(Kind.SCHEMA_NOT_FOUND, "Schema not found");
        }
        return entry(subject, index + 1);
    }

    @Override
    public synchronized List<String> compatibilityViolations(String subject, Schema schema) {
        List<Schema> existing = new ArrayList<>();
        for (int id : idsBySubject.getOrDefault(subject, List.of())) {
            existing.add(schemasById.get(id));
        }
        return compatibility(subject).violations(schema, existing);
    }

    @Override
    public synchronized List<String> subjects() {
        return List.copyOf(idsBySubject.keySet());
    }

    @Override
    public synchronized List<Integer> versions(String subject) {
        int n = idsOf(subject).size();
        List<Integer> versions = new ArrayList<>(n);
        for (int v = 1; v <= n; v++) {
            versions.add(v);
        }
        return versions;
    }

    @Override
    public synchronized Compatibility compatibility(String subject) {
        return subject == null ? globalLevel : subjectLevels.getOrDefault(subject, globalLevel);
    }

    /** The subject's own level, or null if it follows the global one. */
    public synchronized Compatibility subjectCompatibility(String subject) {
        return subjectLevels.get(subject);
    }

    @Override
    public synchronized void setCompatibility(String subject, Compatibility level) {
        if (subject == null) {
            globalLevel = level;
        } else {
            subjectLevels.put(subject, level);
        }
    }

    /** Deletes every version of {@code subject} and returns their numbers; ids stay valid for readers. */
    public synchronized List<Integer> deleteSubject(String subject) {
        List<Integer> versions = versions(subject);
        idsBySubject.remove(subject);
        return versions;
    }

    /** (subject, version) pairs that hold schema {@code id}, in subject order. */
    public synchronized Map<String, Integer> usages(int id) {
        schemaById(id);
        Map<String, Integer> usages = new LinkedHashMap<>();
        idsBySubject.forEach((subject, ids) -> {
            int index = ids.indexOf(id);
            if (index >= 0) {
                usages.put(subject, index + 1);
            }
        });
        return usages;
    }

    private List<Integer> idsOf(String subject) {
        List<Integer> ids = idsBySubject.get(subject);
        if (ids == null || ids.isEmpty()) {
            throw new SchemaRegistryException(Kind.SUBJECT_NOT_FOUND, "Subject '" + subject + "' not found.");
        }
        return ids;
    }

    private RegisteredSchema entry(String subject, int version) {
        int id = idsBySubject.get(subject).get(version - 1);
        return new RegisteredSchema(subject, version, id, schemasById.get(id));
    }
}
