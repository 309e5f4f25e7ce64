package io.clipstream.service;

import io.clipstream.schemas.registry.InMemorySchemaRegistry;
import io.clipstream.schemas.registry.SchemaRegistryHttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A whole cluster in this process, on 127.0.0.1: a KRaft broker (its logs under {@code dir/kafka}) and the project's
 * schema registry over HTTP. What `clipstream demo`, the benchmarks and the integration tests run the service against.
 */
public record LocalCluster(EmbeddedBroker broker, SchemaRegistryHttpServer registry) implements AutoCloseable {

    /** On any free ports. */
    public static LocalCluster start(Path dir, String registryScope) throws IOException {
        return start(dir, 0, 0, registryScope);
    }

    /** On the given ports (0: any free port); the registry's subjects are named apart by {@code registryScope}. */
    public static LocalCluster start(Path dir, int brokerPort, int registryPort, String registryScope)
            throws IOException {
        EmbeddedBroker broker = EmbeddedBroker.start(Files.createDirectories(dir.resolve("kafka")), brokerPort);
        try {
            return new LocalCluster(
                    broker,
                    SchemaRegistryHttpServer.start(
                            InMemorySchemaRegistry.forScope(registryScope), "127.0.0.1", registryPort));
        } catch (IOException | RuntimeException e) {
            broker.close();
            throw e;
        }
    }

    /** A port free on 127.0.0.1 now, for a server started next. */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Closes what was started; safe on a cluster that failed to start (null). */
    public static void close(LocalCluster cluster) {
        if (cluster != null) {
            cluster.close();
        }
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /** A producer of raw records as large as the service accepts (16 MB), with the client's default send buffer. */
    public KafkaProducer<byte[], byte[]> producer() {
        return producer(32L << 20);
    }

    /**
     * A producer of raw records as large as the service accepts (16 MB); {@code bufferBytes} of send buffer (the
     * client's default is 32 MB).
     */
    public KafkaProducer<byte[], byte[]> producer(long bufferBytes) {
        return new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers(),
                        ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                        16 << 20,
                        ProducerConfig.BUFFER_MEMORY_CONFIG,
                        bufferBytes),
                new ByteArraySerializer(),
                new ByteArraySerializer());
    }

    /**
     * A consumer of what committed transactions wrote to {@code topics} (which exist), from their beginning, without a
     * consumer group: how the demo and the benchmarks watch the service's outputs.
     */
    public static KafkaConsumer<byte[], byte[]> committedReader(String bootstrapServers, List<String> topics) {
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed",
                        ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG,
                        16 << 20),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }

    @Override
    public void close() {
        registry.close();
        broker.close();
    }
}
