package io.clipstream.service;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The largest record the service may write, read from the cluster at start: the smallest {@code max.message.bytes}
 * of every topic it writes (outputs, dead letters and its stores' changelogs; a changelog Kafka Streams has not
 * created yet gets the broker's {@code message.max.bytes}), and the producer's {@code max.request.size}. The
 * topology keeps every record within it, so one record can never fail a transaction.
 */
final class RecordCapacity {
    private static final Logger LOG = LoggerFactory.getLogger(RecordCapacity.class);
    /** Kafka's default broker {@code message.max.bytes}, used when the broker's own cannot be read. */
    static final int KAFKA_DEFAULT_MESSAGE_MAX_BYTES = 1_048_588;

    private static final long TIMEOUT_SECONDS = 30;

    /** One limit and where it comes from, for the start-up log line. */
    record Limit(String source, int bytes) {}

    private RecordCapacity() {}

    /** Every limit that applies; the capacity is the smallest. */
    static List<Limit> limits(
            Admin admin, Collection<String> topics, Collection<String> changelogs, int producerMaxRequestSize)
            throws Exception {
        List<Limit> limits = new ArrayList<>();
        limits.add(new Limit("producer max.request.size", producerMaxRequestSize));
        Set<String> existing = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        List<ConfigResource> resources = new ArrayList<>();
        boolean missingChangelog = false;
        for (String topic : topics) {
            resources.add(new ConfigResource(ConfigResource.Type.TOPIC, topic));
        }
        for (String changelog : changelogs) {
            if (existing.contains(changelog)) {
                resources.add(new ConfigResource(ConfigResource.Type.TOPIC, changelog));
            } else {
                missingChangelog = true;
            }
        }
        Map<ConfigResource, Config> configs =
                admin.describeConfigs(resources).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        for (Map.Entry<ConfigResource, Config> e : configs.entrySet()) {
            ConfigEntry entry = e.getValue().get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
            if (entry != null && entry.value() != null) {
                limits.add(new Limit("topic " + e.getKey().name(), Integer.parseInt(entry.value())));
            }
        }
        if (missingChangelog) {
            limits.add(new Limit("broker message.max.bytes (for changelogs yet to be created)", brokerDefault(admin)));
        }
        return limits;
    }

    static int capacity(List<Limit> limits) {
        return limits.stream().mapToInt(Limit::bytes).min().orElseThrow();
    }

    /** {@code max.message.bytes} of one topic, if it exists and can be read. */
    static Optional<Integer> topicLimit(Admin admin, String topic) {
        try {
            ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            ConfigEntry entry = admin.describeConfigs(List.of(r))
                    .all()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .get(r)
                    .get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
            return entry == null || entry.value() == null
                    ? Optional.empty()
                    : Optional.of(Integer.parseInt(entry.value()));
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    private static int brokerDefault(Admin admin) {
        try {
            Collection<Node> nodes = admin.describeCluster().nodes().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            ConfigResource broker = new ConfigResource(
                    ConfigResource.Type.BROKER,
                    String.valueOf(nodes.iterator().next().id()));
            ConfigEntry entry = admin.describeConfigs(List.of(broker))
                    .all()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .get(broker)
                    .get("message.max.bytes");
            if (entry != null && entry.value() != null) {
                return Integer.parseInt(entry.value());
            }
        } catch (Exception e) {
            LOG.info("cannot read the broker's message.max.bytes ({}); assuming Kafka's default", e.toString());
        }
        return KAFKA_DEFAULT_MESSAGE_MAX_BYTES;
    }
}
