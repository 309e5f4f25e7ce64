package io.clipstream.topology.deadletters;

import io.clipstream.schemas.DeadLetter;
import io.clipstream.schemas.ErrorCode;
import io.clipstream.schemas.Stage;
import io.clipstream.schemas.serde.RegistryAvroSerde;
import io.clipstream.topology.InputRecord;
import io.clipstream.topology.PipelineMetrics;
import io.clipstream.topology.RecordLimits;
import io.clipstream.topology.RegistryOutageRetry;
import io.clipstream.topology.TopologySettings;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

/**
 * Turns an error seen by a Kafka Streams exception handler into the serialized {@link DeadLetter} record for the
 * dead-letter topic, with the source record's raw key and value, cut to the record limit. Configured from the streams config: the topic from
 * {@value #TOPIC_CONFIG}, the serializer from the registry settings (waiting out a registry outage).
 */
public final class DeadLetterWriter {
    /** Streams config key naming the dead-letter topic the handlers write to. */
    public static final String TOPIC_CONFIG = "clipstream.dead.letter.topic";
    /** Streams config key with the largest record the output topics accept (see {@link RecordLimits}). */
    public static final String MAX_RECORD_BYTES_CONFIG = "clipstream.max.record.bytes";

    private final String topic;
    private final int maxRecordBytes;
    private final Serializer<DeadLetter> serializer;
    private final PipelineMetrics metrics;

    public DeadLetterWriter(
            String topic, int maxRecordBytes, Serializer<DeadLetter> serializer, PipelineMetrics metrics) {
        this.topic = topic;
        this.maxRecordBytes = maxRecordBytes;
        this.serializer = serializer;
        this.metrics = metrics;
    }

    public static DeadLetterWriter fromConfig(Map<String, ?> configs) {
        Object topic = configs.get(TOPIC_CONFIG);
        RegistryAvroSerde<DeadLetter> serde = RegistryAvroSerde.forClass(DeadLetter.class);
        serde.configure(configs, false);
        Object max = configs.get(MAX_RECORD_BYTES_CONFIG);
        return new DeadLetterWriter(
                topic == null ? "images-dlq" : topic.toString(),
                max == null ? TopologySettings.KAFKA_DEFAULT_MAX_RECORD_BYTES : Integer.parseInt(max.toString()),
                RegistryOutageRetry.fromConfig(configs).serializer(serde.serializer()),
                PipelineMetrics.fromConfig(configs));
    }

    public ProducerRecord<byte[], byte[]> record(
            ErrorHandlerContext context, byte[] key, byte[] value, ErrorCode code, Stage stage, Exception error) {
        InputRecord input = new InputRecord(
                context.topic() == null ? "" : context.topic(),
                context.partition(),
                context.offset(),
                context.timestamp(),
                key,
                value,
                context.headers());
        DeadLetter letter =
                DeadLetters.of(input, code, stage, String.valueOf(error), System.currentTimeMillis(), maxRecordBytes);
        metrics.deadLetter(code);
        return new ProducerRecord<>(
                topic,
                null,
                DeadLetters.recordKey(input),
                serializer.serialize(topic, letter),
                RecordLimits.headersOf(input));
    }

    public String topic() {
        return topic;
    }
}
