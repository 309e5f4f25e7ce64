package io.clipstream.topology;

import io.clipstream.schemas.Classification;
import io.clipstream.schemas.DeadLetter;
import io.clipstream.schemas.ImageEmbedding;
import io.clipstream.schemas.ImageEvent;
import io.clipstream.schemas.LabelEmbedding;
import io.clipstream.schemas.LabelSet;
import io.clipstream.schemas.serde.RegistryAvroSerde;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

import java.util.Map;

/**
 * The registry-framed value serdes of every topic, configured once from the serde settings
 * ({@code schema.registry.url} and friends; {@code mock://<scope>} for an in-memory registry). Each waits out a
 * registry outage ({@link RegistryOutageRetry}) instead of failing the record.
 */
public record RecordSerdes(Serde<ImageEvent> imageEvent, Serde<LabelSet> labelSet,
                           Serde<LabelEmbedding> labelEmbedding, Serde<Classification> classification,
                           Serde<ImageEmbedding> imageEmbedding, Serde<DeadLetter> deadLetter) {

    public static RecordSerdes configured(Map<String, ?> serdeConfig) {
        return new RecordSerdes(value(ImageEvent.class, serdeConfig), value(LabelSet.class, serdeConfig),
                value(LabelEmbedding.class, serdeConfig), value(Classification.class, serdeConfig),
                value(ImageEmbedding.class, serdeConfig), value(DeadLetter.class, serdeConfig));
    }

    private static <T extends SpecificRecord> Serde<T> value(Class<T> type, Map<String, ?> config) {
        Serde<T> serde = RegistryAvroSerde.forClass(type);
        serde.configure(config, false);
        return RegistryOutageRetry.standard().wrap(serde);
    }
}
