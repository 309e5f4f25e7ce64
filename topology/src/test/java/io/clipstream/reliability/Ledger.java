package io.clipstream.reliability;

import io.clipstream.schemas.DeadLetter;
import io.clipstream.schemas.ErrorCode;
import io.clipstream.topology.RecordSerdes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Everything committed to the classification and dead-letter topics (read_committed, no consumer group), counted per
 * input key: the ground truth the suite checks "exactly one output per input" against.
 */
final class Ledger implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final RecordSerdes serdes;
    private final String deadLetterTopic;
    final Map<String, Integer> outputs = new HashMap<>();
    final Set<String> classified = new HashSet<>();
    /** Raw dead-letter values by key: decoded only when asked, so reading works while the registry is down. */
    final Map<String, byte[]> deadLetters = new HashMap<>();

    Ledger(String bootstrap, RecordSerdes serdes, String classificationsTopic, String deadLetterTopic) {
        this.serdes = serdes;
        this.deadLetterTopic = deadLetterTopic;
        consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap,
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed",
                        ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG,
                        16 << 20),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(classificationsTopic, deadLetterTopic)) {
            Waits.untilQuietly(() -> consumer.partitionsFor(topic, Duration.ofSeconds(5)) != null
                    && !consumer.partitionsFor(topic, Duration.ofSeconds(5)).isEmpty());
            consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Reads whatever is new; returns this ledger. */
    Ledger poll() {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            String key = r.key() == null ? "<null>" : new String(r.key(), StandardCharsets.UTF_8);
            outputs.merge(key, 1, Integer::sum);
            if (r.topic().equals(deadLetterTopic)) {
                deadLetters.put(key, r.value());
            } else {
                classified.add(key);
            }
        }
        return this;
    }

    boolean answeredAll(Collection<String> keys) {
        return poll().outputs.keySet().containsAll(keys);
    }

    void awaitAll(Collection<String> keys, String what) throws InterruptedException {
        Waits.until(
                () -> answeredAll(keys),
                what + ": an output for each of " + keys.size() + " inputs (missing "
                        + missing(keys).size() + ")");
    }

    Set<String> missing(Collection<String> keys) {
        Set<String> missing = new TreeSet<>(keys);
        missing.removeAll(outputs.keySet());
        return missing;
    }

    /** Keys among {@code keys} with more than one output. */
    Map<String, Integer> duplicates(Collection<String> keys) {
        Map<String, Integer> dup = new TreeMap<>();
        for (String k : keys) {
            int n = outputs.getOrDefault(k, 0);
            if (n > 1) {
                dup.put(k, n);
            }
        }
        return dup;
    }

    DeadLetter deadLetter(String key) {
        byte[] raw = deadLetters.get(key);
        return raw == null ? null : serdes.deadLetter().deserializer().deserialize(deadLetterTopic, raw);
    }

    ErrorCode code(String key) {
        DeadLetter d = deadLetter(key);
        return d == null ? null : d.getCode();
    }

    byte[] original(String key) {
        ByteBuffer b = deadLetter(key).getOriginal();
        if (b == null) {
            return null;
        }
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }

    /** "CODE×n" for the dead letters among {@code keys}, for the report. */
    String codesSeen(Collection<String> keys) {
        Map<String, Integer> counts = new TreeMap<>();
        for (String k : keys) {
            if (deadLetters.containsKey(k)) {
                counts.merge(code(k).name(), 1, Integer::sum);
            }
        }
        List<String> parts = new ArrayList<>();
        counts.forEach((c, n) -> parts.add(c + "×" + n));
        return parts.isEmpty() ? "-" : String.join(", ", parts);
    }

    /** Writes the standard report row for {@code keys}. */
    void report(String suite, String attack, Collection<String> keys, String notes) {
        poll();
        int classifiedCount = (int) keys.stream().filter(classified::contains).count();
        int dead = (int) keys.stream().filter(deadLetters::containsKey).count();
        ReliabilityReport.row(
                suite,
                attack,
                keys.size(),
                classifiedCount,
                dead,
                duplicates(keys).size(),
                missing(keys).size(),
                codesSeen(keys),
                notes);
    }

    @Override
    public void close() {
        consumer.close();
    }
}
