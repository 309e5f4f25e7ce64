package io.clipstream.schemas.serde;

import io.clipstream.schemas.registry.RegisteredSchema;
import io.clipstream.schemas.registry.SchemaRegistryClient;
import io.clipstream.schemas.registry.SchemaRegistryClients;
import io.clipstream.schemas.registry.SchemaRegistryException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes Avro records (generated SpecificRecords or GenericRecords) in Confluent's wire format: magic
 * byte 0, the schema's registry id (4 bytes, big-endian), the Avro binary encoding. The schema id comes
 * from the registry under the configured subject: registered on first use ({@code auto.register.schemas}),
 * taken from the subject's latest version ({@code use.latest.version}), or looked up. A null record
 * (a tombstone) is written as null.
 */
public final class RegistryAvroSerializer<T> implements Serializer<T> {

    private SchemaRegistryClient client;
    private RegistrySerdeConfig config;
    private boolean isKey;
    private final Map<Schema, DatumWriter<Object>> writers = new ConcurrentHashMap<>();

    /** For Kafka, which instantiates by class name and then calls {@link #configure}. */
    public RegistryAvroSerializer() {}

    /** Uses {@code client} instead of one made from {@code schema.registry.url}. */
    public RegistryAvroSerializer(SchemaRegistryClient client) {
        this.client = client;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.config = RegistrySerdeConfig.from(configs);
        this.isKey = isKey;
        if (client == null) {
            client = SchemaRegistryClients.fromConfig(configs);
        }
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        if (config == null) {
            throw new IllegalStateException("RegistryAvroSerializer used before configure()");
        }
        if (!(data instanceof IndexedRecord record)) {
            throw new SerializationException("Only Avro records can be serialized, not "
                    + data.getClass().getName());
        }
        Schema schema = record.getSchema();
        String subject = config.strategy(isKey).subject(topic, isKey, schema);
        int id = schemaId(subject, schema);
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(256);
            out.write(WireFormat.header(id));
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            writerFor(schema, data).write(data, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException(
                    "Cannot write " + schema.getFullName() + " for subject " + subject + ": " + e.getMessage(), e);
        }
    }

    /**
     * Confluent's semantics: {@code use.latest.version} takes the subject's latest version; else
     * {@code auto.register.schemas} registers the schema (idempotent); else the schema is looked up under the subject,
     * where it must have been registered beforehand (a read-only registry, a governed schema).
     */
    private int schemaId(String subject, Schema schema) {
        try {
            return lookUpOrRegister(subject, schema);
        } catch (SchemaRegistryException e) {
            String hint = switch (e.kind()) {
                case SUBJECT_NOT_FOUND, SCHEMA_NOT_FOUND, VERSION_NOT_FOUND ->
                    config.useLatestVersion()
                            ? "use.latest.version=true but subject " + subject + " has no version: register "
                                    + schema.getFullName() + "'s schema under it first"
                            : "auto.register.schemas=false but " + schema.getFullName()
                                    + "'s schema is not registered under " + "subject " + subject
                                    + ": register it first";
                case OPERATION_NOT_PERMITTED, FORBIDDEN ->
                    "the registry refused to register " + schema.getFullName()
                            + "'s schema under subject " + subject + " (read-only?): pre-register it and set "
                            + "auto.register.schemas=false";
                default -> null;
            };
            if (hint == null) {
                throw e;
            }
            throw new SerializationException(hint + " (" + e.getMessage() + ")", e);
        }
    }

    private int lookUpOrRegister(String subject, Schema schema) {
        if (config.useLatestVersion()) {
            RegisteredSchema latest = client.latest(subject);
            // The bytes depend only on the parsing canonical form, so an equal form encodes identically.
            if (SchemaNormalization.parsingFingerprint64(latest.schema())
                    != SchemaNormalization.parsingFingerprint64(schema)) {
                throw new SerializationException("use.latest.version: the latest schema of " + subject + " (id "
                        + latest.id() + ", version " + latest.version() + ") does not encode like the record's schema");
            }
            return latest.id();
        }
        if (config.autoRegister()) {
            return client.register(subject, schema);
        }
        return client.lookup(subject, schema).id();
    }

    @SuppressWarnings("unchecked")
    private DatumWriter<Object> writerFor(Schema schema, Object data) {
        return writers.computeIfAbsent(
                schema,
                s -> data instanceof SpecificRecord
                        ? (DatumWriter<Object>) (DatumWriter<?>) new SpecificDatumWriter<>(s)
                        : new GenericDatumWriter<>(s, GenericData.get()));
    }

    @Override
    public void close() {}
}
