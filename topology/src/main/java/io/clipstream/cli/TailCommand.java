package io.clipstream.cli;

import io.clipstream.schemas.Classification;
import io.clipstream.schemas.DeadLetter;
import io.clipstream.schemas.LabelEmbedding;
import io.clipstream.topology.TopologySettings;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tail}: decoded records of an output topic, committed ones only (read_committed, as the service writes them
 * in transactions). Plain lines by default, JSON Lines with {@code --json}.
 */
@Command(
        name = "tail",
        mixinStandardHelpOptions = true,
        description = {
            "Print decoded records of an output topic (the configured name): classifications, dlq "
                    + "(dead letters) or label-embeddings. Reads committed records only, from the end (new records) or "
                    + "--from-beginning, until --max records or --timeout-ms without a record (default: until Ctrl-C)."
        })
final class TailCommand extends ClusterCommand {
    enum Target {
        classifications,
        dlq,
        label_embeddings
    }

    @Parameters(
            paramLabel = "classifications|dlq|label-embeddings",
            description = "Which topic.",
            converter = TargetConverter.class)
    Target target;

    @Option(names = "--from-beginning", description = "Start at the oldest record instead of the end.")
    boolean fromBeginning;

    @Option(names = "--json", description = "JSON Lines (dead letters with the original bytes as base64).")
    boolean json;

    @Option(names = "--max", paramLabel = "N", description = "Stop after N records.")
    long max = Long.MAX_VALUE;

    @Option(names = "--timeout-ms", paramLabel = "T", description = "Stop when no record came for T ms.")
    long timeoutMs = 0;

    static final class TargetConverter implements picocli.CommandLine.ITypeConverter<Target> {
        @Override
        public Target convert(String value) {
            return switch (value) {
                case "classifications" -> Target.classifications;
                case "dlq", "dead-letters" -> Target.dlq;
                case "label-embeddings" -> Target.label_embeddings;
                default ->
                    throw new picocli.CommandLine.TypeConversionException(
                            "expected classifications, dlq or label-embeddings, got '" + value + "'");
            };
        }
    }

    @Override
    int run(ClusterClients clients) {
        TopologySettings t = clients.topology();
        String topic = switch (target) {
            case classifications -> t.classificationsTopic();
            case dlq -> t.deadLetterTopic();
            case label_embeddings -> t.labelEmbeddingsTopic();
        };
        ClassificationPrinter printer = new ClassificationPrinter(System.out, json);
        JsonLines lines = new JsonLines(System.out);
        Deserializer<Classification> classifications =
                clients.serde(Classification.class).deserializer();
        Deserializer<DeadLetter> deadLetters = clients.serde(DeadLetter.class).deserializer();
        Deserializer<LabelEmbedding> embeddings =
                clients.serde(LabelEmbedding.class).deserializer();
        long count = 0;
        try (KafkaConsumer<String, byte[]> consumer = clients.consumer()) {
            List<TopicPartition> partitions = ClusterClients.partitions(consumer, topic);
            if (partitions.isEmpty()) {
                System.err.println("error: no topic " + topic);
                return 1;
            }
            consumer.assign(partitions);
            if (fromBeginning) {
                consumer.seekToBeginning(partitions);
            } else {
                consumer.seekToEnd(partitions);
                partitions.forEach(consumer::position); // fix the start now, not at the first poll
            }
            long idleSince = System.nanoTime();
            while (count < max) {
                var records = consumer.poll(Duration.ofMillis(200));
                if (records.isEmpty()) {
                    if (timeoutMs > 0 && System.nanoTime() - idleSince > timeoutMs * 1_000_000L) {
                        break;
                    }
                    continue;
                }
                idleSince = System.nanoTime();
                for (ConsumerRecord<String, byte[]> r : records) {
                    if (count >= max) {
                        break;
                    }
                    count++;
                    if (r.value() == null) {
                        tombstone(r, lines);
                        continue;
                    }
                    try {
                        switch (target) {
                            case classifications ->
                                printer.classification(r.key(), classifications.deserialize(topic, r.value()));
                            case dlq -> deadLetter(r.key(), deadLetters.deserialize(topic, r.value()), printer, lines);
                            case label_embeddings ->
                                embedding(r.key(), embeddings.deserialize(topic, r.value()), lines);
                        }
                    } catch (RuntimeException e) {
                        System.err.printf(
                                "warning: %s-%d@%d (key %s) could not be decoded: %s%n",
                                topic, r.partition(), r.offset(), r.key(), ErrorHandler.describe(e));
                    }
                }
            }
        }
        System.err.println(count + " records from " + topic);
        return 0;
    }

    private void tombstone(ConsumerRecord<String, byte[]> r, JsonLines lines) {
        if (json) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("key", r.key());
            line.put("deleted", true);
            lines.write(line);
        } else {
            System.out.println(r.key() + " (deleted)");
            System.out.flush();
        }
    }

    private void deadLetter(String key, DeadLetter d, ClassificationPrinter printer, JsonLines lines) {
        if (!json) {
            printer.deadLetter(key, d);
            return;
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("key", key);
        line.put("code", d.getCode().name());
        line.put("stage", d.getStage().name());
        line.put("message", d.getMessage());
        line.put("time", d.getTime().toString());
        line.put("sourceTopic", d.getTopic());
        line.put("sourcePartition", d.getPartition());
        line.put("sourceOffset", d.getOffset());
        line.put("sourceKey", d.getKey() == null ? null : new String(bytes(d.getKey()), StandardCharsets.UTF_8));
        byte[] original = d.getOriginal() == null ? null : bytes(d.getOriginal());
        line.put(
                "originalSize",
                d.getOriginalSize() >= 0 ? d.getOriginalSize() : original == null ? 0 : original.length);
        line.put("originalTruncated", d.getOriginalTruncated());
        line.put("original", original == null ? null : Base64.getEncoder().encodeToString(original));
        lines.write(line);
    }

    private void embedding(String key, LabelEmbedding e, JsonLines lines) {
        if (!json) {
            System.out.printf(
                    "%-32s %-16s v%-14d %3d/%-3d %-14s dim %d threshold %s%n",
                    key,
                    e.getLabelSetId(),
                    e.getLabelSetVersion(),
                    e.getIndex() + 1,
                    e.getLabelCount(),
                    e.getLabel(),
                    e.getEmbedding().size(),
                    e.getThreshold());
            System.out.flush();
            return;
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("key", key);
        line.put("labelSet", e.getLabelSetId());
        line.put("labelSetVersion", e.getLabelSetVersion());
        line.put("label", e.getLabel());
        line.put("index", e.getIndex());
        line.put("labelCount", e.getLabelCount());
        line.put("threshold", e.getThreshold());
        line.put("topK", e.getTopK());
        line.put("model", e.getModelId());
        line.put("embedding", e.getEmbedding());
        lines.write(line);
    }

    private static byte[] bytes(ByteBuffer b) {
        ByteBuffer copy = b.duplicate();
        byte[] out = new byte[copy.remaining()];
        copy.get(out);
        return out;
    }
}
