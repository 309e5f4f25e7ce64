package io.clipstream.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clipstream.schemas.ImageEmbedding;
import io.clipstream.schemas.ImageEvent;
import io.clipstream.schemas.LabelSet;
import io.clipstream.schemas.registry.HttpSchemaRegistryClient;
import io.clipstream.schemas.registry.InMemorySchemaRegistry;
import io.clipstream.schemas.registry.RegistryClientConfig;
import io.clipstream.schemas.registry.SchemaRegistryException;
import io.clipstream.schemas.serde.InvalidRecordException.Reason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class RegistryAvroDeserializerTest {

    final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    final RegistryAvroDeserializer<ImageEvent> events = new RegistryAvroDeserializer<>(registry, ImageEvent.class);

    /** Frames Avro bytes the Confluent way, by hand: 0, id as 4 big-endian bytes, body. */
    static byte[] frame(int id, byte[] body) {
        byte[] framed = new byte[5 + body.length];
        framed[1] = (byte) (id >>> 24);
        framed[2] = (byte) (id >>> 16);
        framed[3] = (byte) (id >>> 8);
        framed[4] = (byte) id;
        System.arraycopy(body, 0, framed, 5, body.length);
        return framed;
    }

    static byte[] avro(Object record, Schema schema, boolean specific) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        if (specific) {
            new SpecificDatumWriter<Object>(schema).write(record, encoder);
        } else {
            new GenericDatumWriter<Object>(schema).write(record, encoder);
        }
        return out.toByteArray();
    }

    byte[] validEvent() throws IOException {
        int id = registry.register("images-value", ImageEvent.getClassSchema());
        return frame(id, avro(SampleRecords.inlineImage(), ImageEvent.getClassSchema(), true));
    }

    @Test
    void readsBytesFramedByHand() throws IOException {
        assertThat(events.deserialize("images", validEvent())).isEqualTo(SampleRecords.inlineImage());
        assertThat(events.deserialize("images", null)).isNull();
    }

    @Test
    void readsGenericRecordsWithTheWritersSchemaByDefault() throws IOException {
        var generic = new RegistryAvroDeserializer<GenericRecord>();
        generic.configure(Map.of("schema.registry.url", "mock://deserializer-generic"), false);
        var store = InMemorySchemaRegistry.forScope("deserializer-generic");
        int id = store.register("images-value", ImageEvent.getClassSchema());
        GenericRecord record = generic.deserialize(
                "images", frame(id, avro(SampleRecords.urlImage(), ImageEvent.getClassSchema(), true)));
        assertThat(record).isNotInstanceOf(ImageEvent.class);
        assertThat(record.get("id")).hasToString("img-2");
        InMemorySchemaRegistry.dropScope("deserializer-generic");
    }

    @Test
    void specificReaderByConfigLoadsOnlyOurGeneratedClasses() throws IOException {
        var reader = new RegistryAvroDeserializer<Object>(registry, null);
        reader.configure(Map.of("schema.registry.url", "mock://unused", "specific.avro.reader", "true"), false);
        assertThat(reader.deserialize("images", validEvent())).isEqualTo(SampleRecords.inlineImage());

        // A writer claiming a class outside io.clipstream.schemas is read generically; no class is loaded.
        Schema foreign = new Schema.Parser().parse("""
                {"type":"record","name":"Runtime","namespace":"java.lang","fields":[{"name":"x","type":"int"}]}""");
        GenericRecord record = new GenericData.Record(foreign);
        record.put("x", 7);
        int id = registry.register("foreign-value", foreign);
        assertThat(reader.deserialize("foreign", frame(id, avro(record, foreign, false))))
                .isInstanceOf(GenericData.Record.class);
    }

    @Test
    void readsARecordWrittenWithAnOlderSchemaIntoTheCurrentClass() throws IOException {
        // v1 of ImageEmbedding had no eventTime; v1 of LabelSet had neither templates nor topK.
        Schema v1 = new Schema.Parser().parse("""
                {"type":"record","name":"ImageEmbedding","namespace":"io.clipstream.schemas","fields":[
                 {"name":"imageId","type":"string"},{"name":"modelId","type":"string"},
                 {"name":"embedding","type":{"type":"array","items":"float"}}]}""");
        GenericRecord old = new GenericData.Record(v1);
        old.put("imageId", "img-1");
        old.put("modelId", "m");
        old.put("embedding", List.of(0.6f, 0.8f));
        int id = registry.register("embeddings-value", v1);
        registry.register("embeddings-value", ImageEmbedding.getClassSchema()); // allowed: BACKWARD

        ImageEmbedding read = new RegistryAvroDeserializer<>(registry, ImageEmbedding.class)
                .deserialize("embeddings", frame(id, avro(old, v1, false)));

        assertThat(read)
                .isEqualTo(ImageEmbedding.newBuilder()
                        .setImageId("img-1")
                        .setModelId("m")
                        .setEmbedding(List.of(0.6f, 0.8f))
                        .setEventTime(null)
                        .build());

        Schema labelSetV1 = new Schema.Parser().parse("""
                {"type":"record","name":"LabelSet","namespace":"io.clipstream.schemas","fields":[
                 {"name":"id","type":"string"},{"name":"labels","type":{"type":"array","items":{"type":"record",
                  "name":"Label","fields":[{"name":"name","type":"string"}]}}}]}""");
        GenericRecord set = new GenericData.Record(labelSetV1);
        set.put("id", "animals");
        set.put("labels", List.of());
        int setId = registry.register("sets-value", labelSetV1);
        LabelSet readSet = new RegistryAvroDeserializer<>(registry, LabelSet.class)
                .deserialize("sets", frame(setId, avro(set, labelSetV1, false)));
        assertThat(readSet.getTemplates()).containsExactly("a photo of a {}.");
        assertThat(readSet.getTopK()).isEqualTo(5);
        assertThat(readSet.getVersion()).isZero();
    }

    @Test
    void refusesAWriterSchemaTheReaderCannotResolve() throws IOException {
        Schema noImageId = new Schema.Parser().parse("""
                {"type":"record","name":"ImageEmbedding","namespace":"io.clipstream.schemas","fields":[
                 {"name":"modelId","type":"string"}]}""");
        GenericRecord record = new GenericData.Record(noImageId);
        record.put("modelId", "m");
        int id = registry.register("x-value", noImageId);
        var reader = new RegistryAvroDeserializer<>(registry, ImageEmbedding.class);
        assertThatThrownBy(() -> reader.deserialize("x", frame(id, avro(record, noImageId, false))))
                .isInstanceOfSatisfying(
                        InvalidRecordException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.INCOMPATIBLE_SCHEMA));
    }

    static void assertInvalid(Runnable read, Reason reason) {
        assertThatThrownBy(read::run)
                .isInstanceOfSatisfying(
                        InvalidRecordException.class,
                        e -> assertThat(e.reason()).isEqualTo(reason));
    }

    @Test
    void wrongMagicByte() throws IOException {
        byte[] bytes = validEvent();
        bytes[0] = 1;
        assertInvalid(() -> events.deserialize("images", bytes), Reason.WRONG_MAGIC_BYTE);
    }

    @Test
    void unknownSchemaId() throws IOException {
        byte[] bytes = validEvent();
        bytes[4] = 99;
        assertInvalid(() -> events.deserialize("images", bytes), Reason.UNKNOWN_SCHEMA_ID);
    }

    @Test
    void truncatedHeaderAndTruncatedBody() throws IOException {
        byte[] bytes = validEvent();
        assertInvalid(() -> events.deserialize("images", new byte[0]), Reason.TRUNCATED);
        assertInvalid(() -> events.deserialize("images", Arrays.copyOf(bytes, 4)), Reason.TRUNCATED);
        for (int length = 5; length < bytes.length; length++) {
            byte[] cut = Arrays.copyOf(bytes, length);
            assertThatThrownBy(() -> events.deserialize("images", cut))
                    .as("cut to %d bytes", length)
                    .isInstanceOf(InvalidRecordException.class);
        }
        assertInvalid(() -> events.deserialize("images", Arrays.copyOf(bytes, bytes.length - 1)), Reason.TRUNCATED);
    }

    @Test
    void trailingBytesAreRefused() throws IOException {
        byte[] bytes = validEvent();
        assertInvalid(() -> events.deserialize("images", Arrays.copyOf(bytes, bytes.length + 3)), Reason.MALFORMED);
    }

    @Test
    void hugeLengthPrefixesAreRefusedBeforeAllocating() throws IOException {
        int id = registry.register("images-value", ImageEvent.getClassSchema());
        // id string claiming 2^62 bytes: zig-zag varint of a huge positive long.
        byte[] hugeString = frame(id, new byte[] {
            (byte) 0xfe, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f
        });
        assertInvalid(() -> events.deserialize("images", hugeString), Reason.TRUNCATED);
        // id "a", eventTime 0, image branch 0 with bytes length 2^30.
        byte[] hugeBytes =
                frame(id, new byte[] {2, 'a', 0, 0, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08});
        assertInvalid(() -> events.deserialize("images", hugeBytes), Reason.TRUNCATED);
        // ... then contentType null, labelSet "x", attributes map claiming 2^30 entries.
        byte[] hugeMap = frame(
                id,
                new byte[] {2, 'a', 0, 2, 2, 'u', 0, 2, 'x', (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08});
        assertInvalid(() -> events.deserialize("images", hugeMap), Reason.MALFORMED);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS) // only a guard against a hang, not a measurement
    void randomGarbageAndMutationsNeverEscapeAsAnythingElse() throws IOException {
        byte[] valid = validEvent();
        Random random = new Random(7);
        int decoded = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes;
            if (i % 2 == 0) {
                bytes = new byte[5 + random.nextInt(64)];
                random.nextBytes(bytes);
                bytes[0] = 0;
                bytes[1] = bytes[2] = bytes[3] = 0;
                bytes[4] = 1; // the registered id, so the body is what gets parsed
            } else {
                bytes = valid.clone();
                for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                    bytes[5 + random.nextInt(bytes.length - 5)] = (byte) random.nextInt(256);
                }
            }
            try {
                events.deserialize("images", bytes);
                decoded++;
            } catch (InvalidRecordException expected) {
                // the one allowed failure
            }
        }
        assertThat(decoded).isLessThan(20_000);
    }

    @Test
    void aRegistryThatIsDownIsNotABadRecord() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        var client = new HttpSchemaRegistryClient(
                RegistryClientConfig.from(Map.of("schema.registry.url", "http://127.0.0.1:" + port, "max.retries", 0)));
        var reader = new RegistryAvroDeserializer<>(client, ImageEvent.class);
        byte[] bytes = validEvent();
        assertThatThrownBy(() -> reader.deserialize("images", bytes))
                .isInstanceOfSatisfying(
                        SchemaRegistryException.class,
                        e -> assertThat(e.isRetriable()).isTrue());
    }
}
