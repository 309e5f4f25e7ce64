package io.clipstream.topology.deadletters;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.schemas.DeadLetter;
import io.clipstream.schemas.ErrorCode;
import io.clipstream.schemas.Stage;
import io.clipstream.schemas.serde.RegistryAvroSerde;
import io.clipstream.topology.Harness;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

/** The three exception handlers: each writes a dead letter with the source's raw bytes, or fails when it must. */
class DeadLetterHandlersTest {
    private final Map<String, Object> config =
            Map.of("schema.registry.url", "mock://handlers-" + UUID.randomUUID(), DeadLetterWriter.TOPIC_CONFIG, "dlq");
    private final byte[] key = "img-1".getBytes();
    private final byte[] value = {0, 0, 0, 0, 42, 9, 9};
    private final HandlerContext context = new HandlerContext("images", 2, 17, key, value);

    private DeadLetter read(ProducerRecord<byte[], byte[]> record) {
        RegistryAvroSerde<DeadLetter> serde = RegistryAvroSerde.forClass(DeadLetter.class);
        serde.configure(config, false);
        assertThat(record.topic()).isEqualTo("dlq");
        assertThat(record.key()).isEqualTo(key);
        return serde.deserializer().deserialize("dlq", record.value());
    }

    @Test
    void unreadableRecordsBecomeDeadLettersAndProcessingGoesOn() {
        DeadLetterDeserializationHandler handler = new DeadLetterDeserializationHandler();
        handler.configure(config);
        var response = handler.handleError(
                context,
                new ConsumerRecord<>("images", 2, 17, key, value),
                new SerializationException("unknown schema id 42"));
        assertThat(response.result()).isEqualTo(DeserializationExceptionHandler.Result.RESUME);
        DeadLetter dead = read(response.deadLetterQueueRecords().get(0));
        assertThat(dead.getCode()).isEqualTo(ErrorCode.UNREADABLE_RECORD);
        assertThat(dead.getStage()).isEqualTo(Stage.DESERIALIZE);
        assertThat(Harness.bytes(dead.getOriginal())).isEqualTo(value);
        assertThat(dead.getTopic()).isEqualTo("images");
        assertThat(dead.getPartition()).isEqualTo(2);
        assertThat(dead.getOffset()).isEqualTo(17);
        assertThat(dead.getMessage()).contains("unknown schema id 42");
    }

    @Test
    void processorBugsBecomeInternalErrorDeadLetters() {
        DeadLetterProcessingHandler handler = new DeadLetterProcessingHandler();
        handler.configure(config);
        var response = handler.handleError(context, new Record<>(key, value, 0L), new IllegalStateException("bug"));
        assertThat(response.result()).isEqualTo(ProcessingExceptionHandler.Result.RESUME);
        DeadLetter dead = read(response.deadLetterQueueRecords().get(0));
        assertThat(dead.getCode()).isEqualTo(ErrorCode.INTERNAL_ERROR);
        assertThat(Harness.bytes(dead.getOriginal())).isEqualTo(value);
    }

    @Test
    void tooLargeOrUnserializableOutputIsDeadLetteredButBrokerFailuresStopTheThread() {
        DeadLetterProductionHandler handler = new DeadLetterProductionHandler();
        handler.configure(config);
        ProducerRecord<byte[], byte[]> out = new ProducerRecord<>("classifications", key, new byte[10]);
        var tooLarge = handler.handleError(context, out, new RecordTooLargeException("too big"));
        assertThat(tooLarge.result()).isEqualTo(ProductionExceptionHandler.Result.RESUME);
        assertThat(Harness.bytes(read(tooLarge.deadLetterQueueRecords().get(0)).getOriginal()))
                .isEqualTo(value);

        var timeout = handler.handleError(context, out, new TimeoutException("broker gone"));
        assertThat(timeout.result()).isEqualTo(ProductionExceptionHandler.Result.FAIL);

        var unserializable = handler.handleSerializationError(
                context,
                out,
                new SerializationException("bad"),
                ProductionExceptionHandler.SerializationExceptionOrigin.VALUE);
        assertThat(unserializable.result()).isEqualTo(ProductionExceptionHandler.Result.RESUME);
        assertThat(read(unserializable.deadLetterQueueRecords().get(0)).getCode())
                .isEqualTo(ErrorCode.INTERNAL_ERROR);
    }
}
