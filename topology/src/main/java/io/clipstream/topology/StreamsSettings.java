package io.clipstream.topology;

import io.clipstream.topology.deadletters.DeadLetterDeserializationHandler;
import io.clipstream.topology.deadletters.DeadLetterProcessingHandler;
import io.clipstream.topology.deadletters.DeadLetterProductionHandler;
import io.clipstream.topology.deadletters.DeadLetterWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * How the Kafka Streams application runs (as opposed to {@link TopologySettings}, what it computes).
 * {@link #toProperties()} is the one place where Kafka settings are chosen, each with its reason.
 *
 * @param applicationId     group id and prefix of internal topics; instances with the same id share the work
 * @param bootstrapServers  Kafka brokers
 * @param schemaRegistryUrl registry for every Avro topic ({@code mock://<scope>} for an in-memory one)
 * @param exactlyOnce       exactly_once_v2 (default) or at_least_once
 * @param streamThreads     stream threads of this instance
 * @param stateDir          where local state (RocksDB) lives
 * @param deadLetterTopic   where the exception handlers write dead letters (same as the topology's)
 */
public record StreamsSettings(
        String applicationId,
        String bootstrapServers,
        String schemaRegistryUrl,
        boolean exactlyOnce,
        int streamThreads,
        Path stateDir,
        String deadLetterTopic) {
    /** Bytes a fetch asks for, in all and per partition: under half of G1's smallest region (1 MB). */
    public static final int FETCH_BYTES = 448 << 10;

    public static StreamsSettings defaults(String bootstrapServers, String schemaRegistryUrl, Path stateDir) {
        return new StreamsSettings("clipstream", bootstrapServers, schemaRegistryUrl, true, 1, stateDir, "images-dlq");
    }

    public StreamsSettings withExactlyOnce(boolean on) {
        return new StreamsSettings(
                applicationId, bootstrapServers, schemaRegistryUrl, on, streamThreads, stateDir, deadLetterTopic);
    }

    public StreamsSettings withApplicationId(String id) {
        return new StreamsSettings(
                id, bootstrapServers, schemaRegistryUrl, exactlyOnce, streamThreads, stateDir, deadLetterTopic);
    }

    /** The settings the registry serdes read (also passed to the exception handlers through the streams config). */
    public Map<String, Object> serdeConfig() {
        Map<String, Object> config = new HashMap<>();
        config.put("schema.registry.url", schemaRegistryUrl);
        return config;
    }

    public Properties toProperties() {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        // Every input image ends as exactly one output record, even across crashes; at_least_once may repeat some.
        p.put(
                StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
                exactlyOnce ? StreamsConfig.EXACTLY_ONCE_V2 : StreamsConfig.AT_LEAST_ONCE);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, streamThreads);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        // Bad bytes become UNREADABLE_RECORD dead letters with the original bytes instead of killing the thread.
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterDeserializationHandler.class);
        // A bug in a processor for one record dead-letters that record (INTERNAL_ERROR) and the thread goes on.
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProcessingHandler.class);
        // Output too large or unserializable is dead-lettered; broker-side send failures still stop the thread.
        p.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProductionHandler.class);
        p.put(DeadLetterWriter.TOPIC_CONFIG, deadLetterTopic);
        p.putAll(serdeConfig());
        // A new application starts from the oldest label sets and images, not only new ones.
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        // A fetch response is one heap buffer, kept until its last record is processed. Under half a 1 MB G1 region
        // it is an ordinary young object; over it, "humongous", and each one starts a young pause and a concurrent
        // cycle (with 1 MiB fetches: one every few images of a flood). A larger record still comes whole, alone in
        // its fetch (PoisonIT sends records of 16 MiB).
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MAX_BYTES_CONFIG), FETCH_BYTES);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG), FETCH_BYTES);
        // A batch of images through the image tower takes seconds on a CPU: poll fewer records at a time.
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), 64);
        // Records read ahead wait in the heap with their image bytes: 128 per partition keep the tower fed
        // (a few batches) where the default 1,000 would hold 100 MB of 640x480 JPEGs per partition.
        p.put(StreamsConfig.BUFFERED_RECORDS_PER_PARTITION_CONFIG, 128);
        // Dead letters carry the original image bytes; let such records through the producer.
        p.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), 16 << 20);
        // Compress outputs: label embeddings and image embeddings are float arrays.
        p.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
        return p;
    }
}
