package io.clipstream.cli;

import io.clipstream.schemas.Label;
import io.clipstream.schemas.LabelExample;
import io.clipstream.schemas.LabelSet;
import io.clipstream.schemas.Redaction;
import io.clipstream.topology.labelsets.LabelSetRules;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.Serde;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code labels put|get|list|delete}: label sets on the compacted label-sets topic, as the service reads them. */
@Command(
        name = "labels",
        mixinStandardHelpOptions = true,
        description = "Publish, show, list and delete label sets on the label-sets topic.",
        subcommands = {
            LabelsCommand.Put.class,
            LabelsCommand.Get.class,
            LabelsCommand.ListSets.class,
            LabelsCommand.Delete.class
        })
final class LabelsCommand implements Runnable {
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

    @Override
    public void run() {
        new CommandLine(this).usage(System.err);
    }

    @Command(
            name = "put",
            mixinStandardHelpOptions = true,
            description = {
                "Validate a label set file (YAML or JSON) with the service's rules and publish it.",
                "Fields: id, version (default: the current time in epoch ms, so a later put is newer), labels "
                        + "(names, or {name, prompts, threshold, examples, exampleWeight}; examples are image files, "
                        + "read and sent inline, or http(s) URLs the service fetches), templates (openai, simple, "
                        + "default or a list with {}), topK, description. Exit 2 on an invalid file (nothing is sent)."
            })
    static final class Put extends ClusterCommand {
        @Parameters(paramLabel = "FILE", description = "The label set, .yaml/.yml or .json.")
        Path file;

        @Override
        int run(ClusterClients clients) throws Exception {
            LabelSet set;
            try {
                set = LabelSetFile.read(
                        file,
                        LabelSetRules.of(clients.topology()),
                        clients.topology().maxImageBytes(),
                        System::currentTimeMillis);
            } catch (LabelSetFile.Invalid e) {
                System.err.println("error: " + e.getMessage());
                System.err.println("nothing sent");
                return 2;
            }
            String topic = clients.topology().labelSetsTopic();
            Serde<LabelSet> serde = clients.serde(LabelSet.class);
            byte[] value = serde.serializer().serialize(topic, set);
            try (KafkaProducer<String, byte[]> producer = clients.producer()) {
                RecordMetadata sent;
                try {
                    sent = producer.send(new ProducerRecord<>(topic, set.getId(), value))
                            .get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof RecordTooLargeException)) {
                        throw e;
                    }
                    // inline example images make a set large: the producer or the topic refused it whole
                    System.err.println("error: label set " + set.getId() + " is " + value.length + " bytes, more than "
                            + "the producer (kafka.max.request.size) or " + topic + " (max.message.bytes) accepts; "
                            + "give large example images by URL");
                    System.err.println("nothing sent");
                    return 2;
                }
                System.err.printf(
                        "sent label set %s version %d (%d labels) to %s partition %d offset %d%n",
                        set.getId(), set.getVersion(), set.getLabels().size(), topic, sent.partition(), sent.offset());
            }
            new JsonLines(System.out).write(json(set));
            return 0;
        }
    }

    @Command(
            name = "get",
            mixinStandardHelpOptions = true,
            description = {
                "Print the current label set of an id as JSON: the last record for the key on the "
                        + "label-sets topic, read to its end. Exit 1 when there is none or it was deleted."
            })
    static final class Get extends ClusterCommand {
        @Parameters(paramLabel = "ID")
        String id;

        @Override
        int run(ClusterClients clients) {
            String topic = clients.topology().labelSetsTopic();
            ConsumerRecord<String, byte[]> record =
                    clients.latestByKey(topic, READ_TIMEOUT).get(id);
            if (record == null || record.value() == null) {
                System.err.println("error: no label set " + id + " on " + topic
                        + (record == null ? "" : " (deleted at offset " + record.offset() + ")"));
                return 1;
            }
            LabelSet set = clients.serde(LabelSet.class).deserializer().deserialize(topic, record.value());
            new JsonLines(System.out).write(json(set));
            return 0;
        }
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "List the current label sets (id, version, label count), deleted ones left out.")
    static final class ListSets extends ClusterCommand {
        @Option(names = "--json", description = "One JSON object per set instead of a table.")
        boolean json;

        @Override
        int run(ClusterClients clients) {
            String topic = clients.topology().labelSetsTopic();
            Serde<LabelSet> serde = clients.serde(LabelSet.class);
            Map<String, LabelSet> sets = new TreeMap<>();
            for (ConsumerRecord<String, byte[]> r :
                    clients.latestByKey(topic, READ_TIMEOUT).values()) {
                if (r.value() == null) {
                    continue;
                }
                try {
                    sets.put(r.key(), serde.deserializer().deserialize(topic, r.value()));
                } catch (RuntimeException e) {
                    System.err.printf(
                            "warning: %s partition %d offset %d (key %s) is not a readable LabelSet: %s%n",
                            topic, r.partition(), r.offset(), r.key(), Redaction.text(String.valueOf(e.getMessage())));
                }
            }
            JsonLines lines = new JsonLines(System.out);
            if (!json) {
                System.out.printf("%-24s %15s %7s  %s%n", "ID", "VERSION", "LABELS", "DESCRIPTION");
            }
            for (LabelSet set : sets.values()) {
                if (json) {
                    Map<String, Object> line = new LinkedHashMap<>();
                    line.put("id", set.getId());
                    line.put("version", set.getVersion());
                    line.put("labels", set.getLabels().size());
                    lines.write(line);
                } else {
                    System.out.printf(
                            "%-24s %15d %7d  %s%n",
                            set.getId(),
                            set.getVersion(),
                            set.getLabels().size(),
                            set.getDescription() == null ? "" : set.getDescription());
                }
            }
            System.out.flush();
            return 0;
        }
    }

    @Command(
            name = "delete",
            mixinStandardHelpOptions = true,
            description = "Delete a label set: a tombstone for its id on the label-sets topic.")
    static final class Delete extends ClusterCommand {
        @Parameters(paramLabel = "ID")
        String id;

        @Override
        int run(ClusterClients clients) throws Exception {
            String topic = clients.topology().labelSetsTopic();
            try (KafkaProducer<String, byte[]> producer = clients.producer()) {
                RecordMetadata sent =
                        producer.send(new ProducerRecord<>(topic, id, null)).get();
                System.err.printf(
                        "deleted label set %s: tombstone on %s partition %d offset %d%n",
                        id, topic, sent.partition(), sent.offset());
            }
            return 0;
        }
    }

    /** A label set as JSON, field for field as in the Avro schema (examples only where a label has some). */
    static Map<String, Object> json(LabelSet set) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", set.getId());
        out.put("version", set.getVersion());
        List<Map<String, Object>> labels = new ArrayList<>();
        for (Label label : set.getLabels()) {
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("name", label.getName());
            l.put("prompts", label.getPrompts());
            l.put("threshold", label.getThreshold());
            if (!label.getExamples().isEmpty()) {
                List<Map<String, Object>> examples = new ArrayList<>();
                for (LabelExample example : label.getExamples()) {
                    // inline bytes are shown by their size, not printed
                    examples.add(
                            example.getUrl() != null
                                    ? Map.of("url", example.getUrl())
                                    : Map.of("bytes", example.getData().remaining()));
                }
                l.put("examples", examples);
                l.put("exampleWeight", label.getExampleWeight());
            }
            labels.add(l);
        }
        out.put("labels", labels);
        out.put("templates", set.getTemplates());
        out.put("topK", set.getTopK());
        out.put("description", set.getDescription());
        return out;
    }
}
