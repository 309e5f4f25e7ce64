package io.clipstream.schemas.serde;

import io.clipstream.schemas.registry.SchemaRegistryClient;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/** A Kafka Serde pairing {@link RegistryAvroSerializer} and {@link RegistryAvroDeserializer} for one record type. */
public final class RegistryAvroSerde<T> implements Serde<T> {

    private final RegistryAvroSerializer<T> serializer;
    private final RegistryAvroDeserializer<T> deserializer;

    private RegistryAvroSerde(RegistryAvroSerializer<T> serializer, RegistryAvroDeserializer<T> deserializer) {
        this.serializer = serializer;
        this.deserializer = deserializer;
    }

    /** Serde for a generated class; the registry comes from {@code schema.registry.url} at configure time. */
    public static <T extends SpecificRecord> RegistryAvroSerde<T> forClass(Class<T> recordClass) {
        return new RegistryAvroSerde<>(
                new RegistryAvroSerializer<>(), new RegistryAvroDeserializer<>(null, recordClass));
    }

    /** Serde for a generated class over a given registry client. */
    public static <T extends SpecificRecord> RegistryAvroSerde<T> forClass(
            Class<T> recordClass, SchemaRegistryClient client) {
        return new RegistryAvroSerde<>(
                new RegistryAvroSerializer<>(client), new RegistryAvroDeserializer<>(client, recordClass));
    }

    /** Serde for GenericRecords read with the writer's schema. */
    public static RegistryAvroSerde<GenericRecord> generic() {
        return new RegistryAvroSerde<>(new RegistryAvroSerializer<>(), new RegistryAvroDeserializer<>());
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        serializer.configure(configs, isKey);
        deserializer.configure(configs, isKey);
    }

    @Override
    public RegistryAvroSerializer<T> serializer() {
        return serializer;
    }

    @Override
    public RegistryAvroDeserializer<T> deserializer() {
        return deserializer;
    }

    @Override
    public void close() {
        serializer.close();
        deserializer.close();
    }
}
