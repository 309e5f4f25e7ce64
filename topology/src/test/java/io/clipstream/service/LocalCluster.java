package io.clipstream.service;

import io.clipstream.schemas.registry.InMemorySchemaRegistry;
import io.clipstream.schemas.registry.SchemaRegistryHttpServer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the in-process tests run the service against: a KRaft broker (its logs under {@code dir/kafka}) and the
 * project's schema registry over HTTP, both on 127.0.0.1. One per test class, closed in {@code @AfterAll}.
 */
public record LocalCluster(EmbeddedBroker broker, SchemaRegistryHttpServer registry) implements AutoCloseable {

    public static LocalCluster start(Path dir, String registryScope) throws IOException {
        EmbeddedBroker broker = EmbeddedBroker.start(Files.createDirectories(dir.resolve("kafka")), 0);
        try {
            return new LocalCluster(broker, SchemaRegistryHttpServer.start(InMemorySchemaRegistry.forScope(registryScope),
                    "127.0.0.1", 0));
        } catch (IOException | RuntimeException e) {
            broker.close();
            throw e;
        }
    }

    /** A port free on 127.0.0.1 now, for a server the test starts next. */
    public static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A producer of raw bytes to the broker. */
    public org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]> producer() {
        return new org.apache.kafka.clients.producer.KafkaProducer<>(java.util.Map.of(
                org.apache.kafka.clients.producer.ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                new org.apache.kafka.common.serialization.ByteArraySerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer());
    }

    /** Closes what was started; safe on a cluster that failed to start (null). */
    public static void close(LocalCluster cluster) {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    public void close() {
        registry.close();
        broker.close();
    }
}
