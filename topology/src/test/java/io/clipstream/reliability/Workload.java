package io.clipstream.reliability;

import io.clipstream.schemas.ImageEvent;
import io.clipstream.schemas.ImageUrl;
import io.clipstream.schemas.InlineImage;
import io.clipstream.schemas.LabelSet;
import io.clipstream.schemas.LabelSets;
import io.clipstream.topology.RecordSerdes;
import io.clipstream.topology.TinyClip;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * One scenario's traffic: its own topics (prefixed with the scenario name, so scenarios sharing a broker never see
 * each other's records), the service settings that point at them, and a producer of label sets and image events
 * written the way any Confluent-format client writes them.
 */
final class Workload implements AutoCloseable {
    static final String LABEL_SET = "animals";
    final String name;
    final String bootstrap;
    final String registryUrl;
    final RecordSerdes serdes;
    private final KafkaProducer<byte[], byte[]> producer;

    Workload(String name, String bootstrap, String registryUrl) {
        this.name = name;
        this.bootstrap = bootstrap;
        this.registryUrl = registryUrl;
        this.serdes = RecordSerdes.configured(Map.of("schema.registry.url", registryUrl));
        this.producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap,
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                        true,
                        ProducerConfig.LINGER_MS_CONFIG,
                        5,
                        ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                        16 << 20,
                        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                        300_000),
                new ByteArraySerializer(),
                new ByteArraySerializer());
    }

    String topic(String what) {
        return name + "." + what;
    }

    /** Settings of one instance of the service for this scenario (tiny model, ports on 127.0.0.1 only). */
    Map<String, String> settings(Path dir, Path modelDir, String instance) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("bootstrap.servers", bootstrap);
        s.put("schema.registry.url", registryUrl);
        s.put("application.id", name);
        s.put("state.dir", dir.resolve("state-" + instance).toString());
        s.put("model.dir", modelDir.toString());
        s.put("http.bind.address", "127.0.0.1");
        s.put("http.port", "0");
        s.put("topics.partitions", "3");
        s.put("topics.replication.factor", "1");
        s.put("topic.label.sets", topic("label-sets"));
        s.put("topic.label.embeddings", topic("label-embeddings"));
        s.put("topic.images", topic("images"));
        s.put("topic.classifications", topic("classifications"));
        s.put("topic.image.embeddings", topic("image-embeddings"));
        s.put("topic.dead.letters", topic("dlq"));
        s.put("preprocess.threads", "1");
        s.put("shutdown.timeout.ms", "10000");
        // A killed instance's partitions move to the survivors after 6 s instead of the default 45 s.
        s.put("kafka.consumer.session.timeout.ms", "6000");
        s.put("kafka.consumer.heartbeat.interval.ms", "1000");
        return s;
    }

    Ledger ledger() {
        Waits.untilQuietly(() -> {
            try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                return admin.listTopics().names().get().containsAll(List.of(topic("classifications"), topic("dlq")));
            } catch (InterruptedException | ExecutionException e) {
                return false;
            }
        });
        return new Ledger(bootstrap, serdes, topic("classifications"), topic("dlq"));
    }

    void sendLabelSet(String key, byte[] value) {
        send(topic("label-sets"), key, value);
    }

    byte[] labelSetBytes(LabelSet set) {
        return serdes.labelSet().serializer().serialize(topic("label-sets"), set);
    }

    void sendImage(String key, byte[] value) {
        send(topic("images"), key, value);
    }

    byte[] eventBytes(ImageEvent event) {
        return serdes.imageEvent().serializer().serialize(topic("images"), event);
    }

    /** A good image event for {@link #LABEL_SET}: a PNG of random blocks, different per seed. */
    byte[] goodImage(String id, long seed) {
        return eventBytes(inline(id, LABEL_SET, TinyClip.png(seed, 64, 64)));
    }

    void flush() {
        producer.flush();
    }

    private void send(String topic, String key, byte[] value) {
        try {
            producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value))
                    .get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("send to " + topic + " failed", e.getCause());
        }
    }

    /** Sends without waiting for the broker's answer (for load and for sends across a broker restart). */
    void sendImageAsync(String key, byte[] value) {
        producer.send(new ProducerRecord<>(topic("images"), key.getBytes(StandardCharsets.UTF_8), value));
    }

    /**
     * Publishes the {@link #LABEL_SET} label set and sends probe images until one is classified, so the set is in
     * the service's global store. Returns the probe keys (each is an input with an output too).
     */
    List<String> publishLabelsAndProbe(Ledger ledger) throws InterruptedException {
        sendLabelSet(
                LABEL_SET,
                labelSetBytes(
                        labelSet(LABEL_SET, List.of("a photo of a {}.", "a drawing of a {}."), "cat", "dog", "bird")));
        List<String> probes = new ArrayList<>();
        for (int i = 0; ; i++) {
            String id = "probe-" + i;
            probes.add(id);
            sendImage(id, goodImage(id, 1_000_000 + i));
            Waits.until(() -> ledger.poll().outputs.containsKey(id), "an output for " + id);
            if (ledger.classified.contains(id)) {
                return probes;
            }
        }
    }

    static LabelSet labelSet(String id, List<String> templates, String... names) {
        return LabelSets.of(id, 1, List.of(names), templates, 3, null);
    }

    static ImageEvent inline(String id, String labelSet, byte[] image) {
        return ImageEvent.newBuilder()
                .setId(id)
                .setEventTime(Instant.now())
                .setImage(
                        InlineImage.newBuilder().setData(ByteBuffer.wrap(image)).build())
                .setContentType(null)
                .setLabelSet(labelSet)
                .setAttributes(Map.of())
                .build();
    }

    static ImageEvent url(String id, String labelSet, String url) {
        return ImageEvent.newBuilder()
                .setId(id)
                .setEventTime(Instant.now())
                .setImage(ImageUrl.newBuilder().setUrl(url).build())
                .setContentType(null)
                .setLabelSet(labelSet)
                .setAttributes(Map.of())
                .build();
    }

    @Override
    public void close() {
        producer.close();
    }
}
