package io.clipstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.schemas.registry.Compatibility;
import io.clipstream.schemas.registry.InMemorySchemaRegistry;
import io.clipstream.schemas.serde.RegistryAvroDeserializer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

/**
 * Label examples ({@code Label.examples}, {@code Label.exampleWeight}) were added with defaults: the registry accepts
 * the new LabelSet schema after the released one in both directions, a set written before reads with no examples
 * and the default weight, and a reader of the released schema reads a set with examples, without them.
 */
class LabelSetEvolutionTest {
    static Schema released() throws IOException {
        try (InputStream in =
                LabelSetEvolutionTest.class.getResourceAsStream("/released/LabelSet-before-examples.avsc")) {
            return new Schema.Parser().parse(in);
        }
    }

    @Test
    void theNewSchemaIsFullyCompatibleWithTheReleasedOne() throws IOException {
        assertThat(Compatibility.FULL_TRANSITIVE.violations(LabelSet.getClassSchema(), List.of(released())))
                .isEmpty();
    }

    @Test
    void aSetWrittenBeforeExamplesReadsWithNoneAndTheDefaultWeight() throws IOException {
        Schema old = released();
        GenericRecord label =
                new GenericData.Record(old.getField("labels").schema().getElementType());
        label.put("name", "cat");
        label.put("prompts", null);
        label.put("threshold", 0.3f);
        GenericRecord set = new GenericData.Record(old);
        set.put("id", "animals");
        set.put("version", 3L);
        set.put("labels", List.of(label));
        set.put("templates", List.of("a photo of a {}."));
        set.put("topK", 5);
        set.put("description", null);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(body, null);
        new GenericDatumWriter<GenericRecord>(old).write(set, encoder);

        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        int id = registry.register("label-sets-value", old);
        registry.register("label-sets-value", LabelSet.getClassSchema()); // allowed: BACKWARD
        byte[] framed = ByteBuffer.allocate(5 + body.size())
                .put((byte) 0)
                .putInt(id)
                .put(body.toByteArray())
                .array();
        LabelSet read = new RegistryAvroDeserializer<>(registry, LabelSet.class).deserialize("label-sets", framed);

        Label cat = read.getLabels().get(0);
        assertThat(cat.getExamples()).isEmpty();
        assertThat(cat.getExampleWeight()).isNull();
        assertThat(cat.getThreshold()).isEqualTo(0.3f);
    }

    @Test
    void aReaderOfTheReleasedSchemaSkipsTheExamples() throws IOException {
        Label label = Label.newBuilder()
                .setName("known item")
                .setPrompts(List.of())
                .setExamples(List.of(
                        new LabelExample(ByteBuffer.wrap(new byte[] {1, 2, 3}), null),
                        new LabelExample(null, "https://example.com/a.jpg")))
                .setExampleWeight(0.8f)
                .build();
        LabelSet set =
                LabelSet.newBuilder().setId("known").setLabels(List.of(label)).build();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(body, null);
        new SpecificDatumWriter<LabelSet>(LabelSet.getClassSchema()).write(set, encoder);

        GenericRecord old = new GenericDatumReader<GenericRecord>(LabelSet.getClassSchema(), released())
                .read(null, DecoderFactory.get().binaryDecoder(body.toByteArray(), null));
        GenericRecord oldLabel = (GenericRecord) ((List<?>) old.get("labels")).get(0);
        assertThat(oldLabel.get("name")).hasToString("known item");
        assertThat(oldLabel.hasField("examples")).isFalse();
    }
}
