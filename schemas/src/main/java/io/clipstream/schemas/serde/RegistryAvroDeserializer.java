package io.clipstream.schemas.serde;

import io.clipstream.schemas.registry.SchemaRegistryClient;
import io.clipstream.schemas.registry.SchemaRegistryClients;
import io.clipstream.schemas.registry.SchemaRegistryException;
import io.clipstream.schemas.serde.InvalidRecordException.Reason;
import java.io.EOFException;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.DatumReader;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Confluent-framed Avro: checks the magic byte, fetches the writer's schema by id, and decodes the
 * body with Avro schema resolution into the reader's schema (the target class's when made for a
 * generated class, else the writer's own as a GenericRecord). Bad bytes throw
 * {@link InvalidRecordException}; a registry that cannot be reached throws
 * {@link SchemaRegistryException} (retriable), so only genuinely bad records become dead letters.
 * Lengths in the body are checked against the bytes left before anything is allocated.
 */
public final class RegistryAvroDeserializer<T> implements Deserializer<T> {

    /** Only generated classes in this package are loaded by name from a writer's schema. */
    static final String SPECIFIC_PACKAGE = "io.clipstream.schemas.";

    private SchemaRegistryClient client;
    private final Class<T> targetClass;
    private boolean specificReader;
    private final Map<Integer, DatumReader<T>> readers = new ConcurrentHashMap<>();

    /** For Kafka: GenericRecords, or generated classes if {@code specific.avro.reader=true}. */
    public RegistryAvroDeserializer() {
        this(null, null);
    }

    /**
     * @param client      registry to use, or null to make one from {@code schema.registry.url}
     * @param targetClass generated class to read into, or null for the writer's schema
     */
    public RegistryAvroDeserializer(SchemaRegistryClient client, Class<T> targetClass) {
        this.client = client;
        this.targetClass = targetClass;
        this.specificReader = targetClass != null;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        if (targetClass == null) {
            specificReader = RegistrySerdeConfig.from(configs).specificReader();
        }
        if (client == null) {
            client = SchemaRegistryClients.fromConfig(configs);
        }
    }

    @Override
    public T deserialize(String topic, byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        if (client == null) {
            throw new IllegalStateException("RegistryAvroDeserializer used before configure()");
        }
        int id = WireFormat.schemaId(bytes);
        DatumReader<T> reader = readers.computeIfAbsent(id, this::readerFor);
        BoundedDecoder decoder =
                new BoundedDecoder(bytes, WireFormat.HEADER_SIZE, bytes.length - WireFormat.HEADER_SIZE);
        try {
            T value = reader.read(null, decoder);
            int left = decoder.remaining();
            if (left > 0) {
                throw new InvalidRecordException(
                        Reason.MALFORMED, left + " bytes left after the record (schema id " + id + ")");
            }
            return value;
        } catch (InvalidRecordException e) {
            throw e;
        } catch (EOFException e) {
            throw new InvalidRecordException(Reason.TRUNCATED, "record body ends early (schema id " + id + ")", e);
        } catch (IOException | RuntimeException | StackOverflowError e) {
            throw new InvalidRecordException(Reason.MALFORMED, "not Avro of schema id " + id + ": " + e, e);
        }
    }

    private DatumReader<T> readerFor(int id) {
        Schema writer;
        try {
            writer = client.schemaById(id);
        } catch (SchemaRegistryException e) {
            if (e.kind() == SchemaRegistryException.Kind.SCHEMA_NOT_FOUND) {
                throw new InvalidRecordException(
                        Reason.UNKNOWN_SCHEMA_ID, "the registry has no schema with id " + id, e);
            }
            throw e;
        }
        Class<?> specificClass =
                !specificReader ? null : targetClass != null ? targetClass : allowedSpecificClass(writer);
        if (specificClass == null) {
            // GenericData never instantiates classes named in a schema; SpecificData would (e.g. "java.lang.Runtime").
            return new GenericDatumReader<>(writer, writer, GenericData.get());
        }
        Schema reader = SpecificData.get().getSchema(specificClass);
        var compatibility = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        if (compatibility.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            throw new InvalidRecordException(
                    Reason.INCOMPATIBLE_SCHEMA,
                    "schema id " + id + " (" + writer.getFullName() + ") cannot be read as " + reader.getFullName()
                            + ": " + compatibility.getDescription());
        }
        return new SpecificDatumReader<>(writer, reader, SpecificData.getForSchema(reader));
    }

    /** The generated class for a writer's record name, only among our own generated classes; else null. */
    private static Class<?> allowedSpecificClass(Schema writer) {
        if (writer.getType() != Schema.Type.RECORD || !writer.getFullName().startsWith(SPECIFIC_PACKAGE)) {
            return null;
        }
        Class<?> c = SpecificData.get().getClass(writer);
        return c != null && SpecificRecord.class.isAssignableFrom(c) ? c : null;
    }

    @Override
    public void close() {}
}
