package io.clipstream.topology;

import io.clipstream.schemas.Classification;
import io.clipstream.schemas.DeadLetter;
import io.clipstream.schemas.ImageEmbedding;
import io.clipstream.schemas.ImageEvent;
import io.clipstream.schemas.LabelEmbedding;
import io.clipstream.schemas.LabelSet;
import io.clipstream.schemas.serde.RegistryAvroSerde;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/**
 * The registry-framed value serdes of every topic, configured once from the serde settings
 * ({@code schema.registry.url} and friends; {@code mock://<scope>} for an in-memory registry). Each waits out a
 * registry outage ({@link RegistryOutageRetry}) instead of failing the record, reporting the wait to a
 * {@link RegistryStatus}.
 */
public record RecordSerdes(
        Serde<ImageEvent> imageEvent,
        Serde<LabelSet> labelSet,
        Serde<LabelEmbedding> labelEmbedding,
        Serde<Classification> classification,
        Serde<ImageEmbedding> imageEmbedding,
        Serde<DeadLetter> deadLetter) {

    /** Serdes whose outage waits are reported to a status nobody reads (clients, benches, tests). */
    public static RecordSerdes configured(Map<String, ?> serdeConfig) {
        return configured(serdeConfig, new RegistryStatus());
    }

    /** Serdes whose outage waits are reported to {@code status} (the service's readiness reads it). */
    public static RecordSerdes configured(Map<String, ?> serdeConfig, RegistryStatus status) {
        RegistryOutageRetry retry = RegistryOutageRetry.standard(status);
        return new RecordSerdes(
                value(ImageEvent.class, serdeConfig, retry),
                value(LabelSet.class, serdeConfig, retry),
                value(LabelEmbedding.class, serdeConfig, retry),
                value(Classification.class, serdeConfig, retry),
                value(ImageEmbedding.class, serdeConfig, retry),
                value(DeadLetter.class, serdeConfig, retry));
    }

    private static <T extends SpecificRecord> Serde<T> value(
            Class<T> type, Map<String, ?> config, RegistryOutageRetry retry) {
        Serde<T> serde = RegistryAvroSerde.forClass(type);
        serde.configure(config, false);
        return retry.wrap(serde);
    }
}
