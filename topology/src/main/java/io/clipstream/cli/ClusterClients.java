package io.clipstream.cli;

import io.clipstream.schemas.serde.RegistryAvroSerde;
import io.clipstream.service.ServiceConfig;
import io.clipstream.topology.TopologySettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The Kafka clients and registry serdes of the client commands, all made from one {@link ServiceConfig}: the same
 * bootstrap servers, {@code kafka.*} pass-through settings (TLS, SASL; {@code kafka.producer.*} and
 * {@code kafka.consumer.*} for one client only) and registry settings (auth, TLS, auto.register.schemas,
 * use.latest.version) as the service. Keys are strings, values registry-framed Avro, as on the service's topics.
 */
final class ClusterClients {
    private final ServiceConfig config;

    ClusterClients(ServiceConfig config) {
        this.config = config;
    }

    ServiceConfig config() {
        return config;
    }

    /** Topic names and limits as the service sees them. */
    TopologySettings topology() {
        return config.topology();
    }

    /** A registry serde for one record type (fails fast when the registry is down: no outage retry here). */
    <T extends SpecificRecord> Serde<T> serde(Class<T> type) {
        Serde<T> serde = RegistryAvroSerde.forClass(type);
        serde.configure(config.serdeConfig(), false);
        return serde;
    }

    Map<String, Object> producerConfig() {
        Map<String, Object> p = clientConfig(ProducerConfig.configNames(), "producer.");
        p.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
        p.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "clipstream-cli");
        return p;
    }

    KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(producerConfig(), new StringSerializer(), new ByteArraySerializer());
    }

    /** A consumer without a group (it commits nothing) reading committed records only, as the service writes them. */
    KafkaConsumer<String, byte[]> consumer() {
        Map<String, Object> c = clientConfig(ConsumerConfig.configNames(), "consumer.");
        c.remove(ConsumerConfig.GROUP_ID_CONFIG);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        c.putIfAbsent(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 << 20);
        c.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "clipstream-cli");
        return new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
    }

    Admin admin() {
        return Admin.create(config.adminConfig());
    }

    /** Bootstrap plus the pass-through keys this client knows, then those under its own prefix (which win). */
    private Map<String, Object> clientConfig(Set<String> names, String prefix) {
        Map<String, Object> out = new HashMap<>();
        Map<String, Object> specific = new HashMap<>();
        config.kafka().forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                specific.put(k.substring(prefix.length()), v);
            } else if (names.contains(k)) {
                out.put(k, v);
            }
        });
        out.putAll(specific);
        out.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.streams().bootstrapServers());
        return out;
    }

    /** The partitions of {@code topic}, empty when it does not exist. */
    static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
        List<TopicPartition> out = new ArrayList<>();
        if (infos != null) {
            infos.forEach(p -> out.add(new TopicPartition(topic, p.partition())));
        }
        return out;
    }

    /**
     * Reads a compacted topic from its beginning to its current end (the last stable offset: committed records only)
     * and returns the last record of each key, tombstones included, in the order keys were last written.
     */
    Map<String, ConsumerRecord<String, byte[]>> latestByKey(String topic, Duration timeout) {
        Map<String, ConsumerRecord<String, byte[]>> latest = new LinkedHashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = partitions(consumer, topic);
            if (partitions.isEmpty()) {
                return latest;
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end within " + timeout);
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    latest.remove(r.key());
                    latest.put(r.key(), r);
                }
            }
        }
        return latest;
    }

    private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
