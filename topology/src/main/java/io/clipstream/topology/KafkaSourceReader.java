package io.clipstream.topology;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads buffered input records back from the cluster with a consumer of its own, configured as Kafka Streams
 * configures its restore consumer (same servers, security and isolation level, no group). It seeks to the first
 * wanted offset and reads to the last, within {@link #TIMEOUT}.
 */
final class KafkaSourceReader implements SourceReader {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaSourceReader.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private final Map<String, Object> consumerConfig;

    KafkaSourceReader(Map<String, Object> appConfigs) {
        Map<String, Object> config =
                new HashMap<>(new StreamsConfig(appConfigs).getRestoreConsumerConfigs("clipstream-source-reader"));
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.consumerConfig = config;
    }

    @Override
    public Map<Long, InputRecord> read(String topic, int partition, Collection<Long> offsets) {
        Map<Long, InputRecord> found = new HashMap<>();
        if (offsets.isEmpty()) {
            return found;
        }
        TreeSet<Long> wanted = new TreeSet<>(offsets);
        TopicPartition tp = new TopicPartition(topic, partition);
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(List.of(tp));
            consumer.seek(tp, wanted.first());
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (consumer.position(tp) <= wanted.last() && System.nanoTime() < deadline) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
                for (ConsumerRecord<byte[], byte[]> r : records.records(tp)) {
                    if (wanted.contains(r.offset())) {
                        found.put(
                                r.offset(),
                                new InputRecord(
                                        topic, partition, r.offset(), r.timestamp(), r.key(), r.value(), r.headers()));
                    }
                }
                if (records.isEmpty()
                        && consumer.position(tp)
                                >= consumer.endOffsets(List.of(tp)).get(tp)) {
                    break; // nothing more to read: the rest is gone
                }
            }
        }
        if (found.size() < wanted.size()) {
            LOG.warn(
                    "{} of {} buffered records of {}-{} are no longer in the topic",
                    wanted.size() - found.size(),
                    wanted.size(),
                    topic,
                    partition);
        }
        return found;
    }
}
