package io.clipstream.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clipstream.schemas.ImageEvent;
import io.clipstream.schemas.registry.InMemorySchemaRegistry;
import io.clipstream.schemas.registry.SchemaRegistryException;
import java.io.ByteArrayOutputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RegistryAvroSerializerTest {

    final String scope = "serializer-" + UUID.randomUUID();
    final InMemorySchemaRegistry registry = InMemorySchemaRegistry.forScope(scope);

    @AfterEach
    void drop() {
        InMemorySchemaRegistry.dropScope(scope);
    }

    <T> RegistryAvroSerializer<T> serializer(Map<String, Object> extra) {
        Map<String, Object> configs = new HashMap<>(extra);
        configs.put("schema.registry.url", "mock://" + scope);
        RegistryAvroSerializer<T> serializer = new RegistryAvroSerializer<>();
        serializer.configure(configs, false);
        return serializer;
    }

    @Test
    void writesMagicByteIdAndTheBytesOfAvrosOwnEncoder() throws Exception {
        registry.register("unrelated-value", Schema.create(Schema.Type.STRING)); // so our id is not 1
        ImageEvent event = SampleRecords.inlineImage();

        byte[] bytes = this.<ImageEvent>serializer(Map.of()).serialize("images", event);

        int id = registry.latest("images-value").id();
        assertThat(id).isEqualTo(2);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.write(new byte[] {0, 0, 0, 0, 2});
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(expected, null);
        new SpecificDatumWriter<>(ImageEvent.class).write(event, encoder);
        assertThat(bytes).isEqualTo(expected.toByteArray());
        assertThat(registry.latest("images-value").schema()).isEqualTo(ImageEvent.getClassSchema());
    }

    @Test
    void writesTheAvroSpecsEncodingOfASmallRecord() {
        // Encoded by hand from the Avro specification: zig-zag varints, length-prefixed strings, array blocks.
        Schema schema = new Schema.Parser().parse("""
                {"type":"record","name":"Small","fields":[{"name":"id","type":"string"},{"name":"n","type":"long"},
                 {"name":"tags","type":{"type":"array","items":"string"}},{"name":"note","type":["null","string"]}]}""");
        GenericRecord record = new GenericData.Record(schema);
        record.put("id", "ab");
        record.put("n", -65L);
        record.put("tags", List.of("x"));
        record.put("note", null);

        byte[] bytes = this.<GenericRecord>serializer(Map.of()).serialize("small", record);

        assertThat(bytes)
                .containsExactly(
                        0, 0, 0, 0, 1, // magic byte, schema id 1 big-endian
                        4, 'a', 'b', // "ab": length 2 zig-zagged = 4
                        0x81, 0x01, // -65 zig-zagged = 129 = varint 0x81 0x01
                        2, 2, 'x', 0, // one block of 1 item, "x", end of array
                        0); // union branch 0: null
    }

    @Test
    void nullIsWrittenAsNull() {
        assertThat(serializer(Map.of()).serialize("images", null)).isNull();
    }

    @Test
    void recordNameStrategyUsesTheRecordsFullName() {
        this.<ImageEvent>serializer(Map.of(
                        "value.subject.name.strategy", "io.confluent.kafka.serializers.subject.RecordNameStrategy"))
                .serialize("images", SampleRecords.urlImage());
        assertThat(registry.subjects()).containsExactly("io.clipstream.schemas.ImageEvent");
    }

    @Test
    void withoutAutoRegisterTheSchemaMustBeRegisteredAlready() {
        RegistryAvroSerializer<ImageEvent> serializer = serializer(Map.of("auto.register.schemas", "false"));
        assertThatThrownBy(() -> serializer.serialize("images", SampleRecords.urlImage()))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining(
                        "auto.register.schemas=false but io.clipstream.schemas.ImageEvent's schema is not "
                                + "registered under subject images-value: register it first")
                .cause()
                .isInstanceOfSatisfying(
                        SchemaRegistryException.class,
                        e -> assertThat(e.kind()).isEqualTo(SchemaRegistryException.Kind.SUBJECT_NOT_FOUND));
        registry.register("other-value", Schema.create(Schema.Type.STRING));
        int id = registry.register("images-value", ImageEvent.getClassSchema());
        assertThat(id).isEqualTo(2);
        assertThat(serializer.serialize("images", SampleRecords.urlImage())).startsWith(0, 0, 0, 0, 2);
        assertThat(registry.versions("images-value")).hasSize(1);
    }

    @Test
    void useLatestVersionTakesTheLatestIdWhenItEncodesTheSame() {
        registry.register("images-value", ImageEvent.getClassSchema());
        // Same fields, other docs: a different registered schema that encodes identically.
        Schema redocumented = new Schema.Parser()
                .parse(ImageEvent.getClassSchema().toString().replace("One image to tag.", "An image to tag."));
        int latestId = registry.register("images-value", redocumented);

        byte[] bytes = this.<ImageEvent>serializer(Map.of("use.latest.version", true, "auto.register.schemas", false))
                .serialize("images", SampleRecords.urlImage());

        assertThat(bytes[4]).isEqualTo((byte) latestId);
    }

    @Test
    void useLatestVersionRefusesALatestSchemaThatEncodesDifferently() {
        registry.setCompatibility(null, io.clipstream.schemas.registry.Compatibility.NONE);
        registry.register("images-value", Schema.create(Schema.Type.STRING));
        RegistryAvroSerializer<ImageEvent> serializer = serializer(Map.of("use.latest.version", "true"));
        assertThatThrownBy(() -> serializer.serialize("images", SampleRecords.urlImage()))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("does not encode like");
    }

    @Test
    void refusesWhatIsNotAnAvroRecord() {
        RegistryAvroSerializer<Object> serializer = serializer(Map.of());
        assertThatThrownBy(() -> serializer.serialize("t", "plain string"))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("Only Avro records");
    }
}
