package io.clipstream.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.schemas.Classification;
import io.clipstream.schemas.DeadLetter;
import io.clipstream.schemas.ImageEmbedding;
import io.clipstream.schemas.ImageEvent;
import io.clipstream.schemas.LabelEmbedding;
import io.clipstream.schemas.LabelSet;
import io.clipstream.schemas.registry.InMemorySchemaRegistry;
import io.clipstream.schemas.registry.SchemaRegistryHttpServer;
import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client.CachedSchemaRegistryClient;
import org.junit.jupiter.api.Test;

class RegistryAvroSerdeTest {

    @SuppressWarnings("unchecked")
    static <T extends SpecificRecord> T roundTrip(T record, Map<String, Object> configs) {
        RegistryAvroSerde<T> serde = RegistryAvroSerde.forClass((Class<T>) record.getClass());
        serde.configure(configs, false);
        byte[] bytes = serde.serializer().serialize("topic-" + record.getClass().getSimpleName(), record);
        return serde.deserializer().deserialize("topic-" + record.getClass().getSimpleName(), bytes);
    }

    @Test
    void everyRecordTypeRoundTripsThroughAMockRegistry() {
        Map<String, Object> configs = Map.of("schema.registry.url", "mock://serde-round-trip");
        for (SpecificRecord record : new SpecificRecord[] {
            SampleRecords.inlineImage(),
            SampleRecords.urlImage(),
            SampleRecords.labelSet(),
            SampleRecords.labelEmbedding(512),
            SampleRecords.classification(),
            SampleRecords.imageEmbedding(),
            SampleRecords.deadLetter()
        }) {
            assertThat(roundTrip(record, configs)).isEqualTo(record);
        }
        assertThat(InMemorySchemaRegistry.forScope("serde-round-trip").subjects())
                .hasSize(6);
        InMemorySchemaRegistry.dropScope("serde-round-trip");
    }

    @Test
    void roundTripsThroughTheHttpRegistryAndConfluentSeesTheWritersSchema() throws Exception {
        try (var server = SchemaRegistryHttpServer.start(new InMemorySchemaRegistry(), "127.0.0.1", 0)) {
            RegistryAvroSerde<Classification> serde = RegistryAvroSerde.forClass(Classification.class);
            serde.configure(Map.of("schema.registry.url", server.url()), false);
            byte[] bytes = serde.serializer().serialize("classifications", SampleRecords.classification());

            assertThat(serde.deserializer().deserialize("classifications", bytes))
                    .isEqualTo(SampleRecords.classification());
            int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
            var confluent = new CachedSchemaRegistryClient(server.url(), 10);
            assertThat(new Schema.Parser().parse(confluent.getSchemaById(id).canonicalString()))
                    .isEqualTo(Classification.getClassSchema());
            assertThat(confluent
                            .getLatestSchemaMetadata("classifications-value")
                            .getId())
                    .isEqualTo(id);
        }
    }

    @Test
    void aTenThousandLabelSetFitsKafkasDefaultMessageLimitOneLabelPerRecord() {
        RegistryAvroSerde<LabelEmbedding> serde = RegistryAvroSerde.forClass(LabelEmbedding.class);
        serde.configure(Map.of("schema.registry.url", "mock://serde-size"), false);
        byte[] one = serde.serializer().serialize("label-embeddings", SampleRecords.labelEmbedding(512));
        // 512 floats = 2048 bytes plus names; 10,000 such records are 10,000 messages, each far below 1 MB.
        assertThat(one.length).isBetween(2048, 2300);
        InMemorySchemaRegistry.dropScope("serde-size");
    }

    @Test
    void genericSerdeReadsWhatTheSpecificOneWrote() {
        Map<String, Object> configs = Map.of("schema.registry.url", "mock://serde-generic");
        RegistryAvroSerde<DeadLetter> specific = RegistryAvroSerde.forClass(DeadLetter.class);
        specific.configure(configs, false);
        var generic = RegistryAvroSerde.generic();
        generic.configure(configs, false);
        byte[] bytes = specific.serializer().serialize("dead-letters", SampleRecords.deadLetter());
        var record = generic.deserializer().deserialize("dead-letters", bytes);
        assertThat(record.get("code")).hasToString("CORRUPT_IMAGE");
        assertThat(generic.serializer().serialize("dead-letters", record)).isEqualTo(bytes);
        InMemorySchemaRegistry.dropScope("serde-generic");
    }

    @Test
    void keySerdeUsesTheKeySubject() {
        RegistryAvroSerde<ImageEmbedding> serde = RegistryAvroSerde.forClass(ImageEmbedding.class);
        serde.configure(Map.of("schema.registry.url", "mock://serde-key"), true);
        serde.serializer().serialize("embeddings", SampleRecords.imageEmbedding());
        assertThat(InMemorySchemaRegistry.forScope("serde-key").subjects()).containsExactly("embeddings-key");
        InMemorySchemaRegistry.dropScope("serde-key");
    }

    @Test
    void labelSetDefaultsAreTheDocumentedOnes() {
        LabelSet set = LabelSet.newBuilder().setId("x").build();
        assertThat(set.getTemplates()).containsExactly("a photo of a {}.");
        assertThat(set.getTopK()).isEqualTo(5);
        assertThat(ImageEvent.newBuilder()
                        .setId("i")
                        .setEventTime(SampleRecords.T)
                        .setImage(new io.clipstream.schemas.ImageUrl("u"))
                        .build()
                        .getLabelSet())
                .isEqualTo("default");
    }
}
