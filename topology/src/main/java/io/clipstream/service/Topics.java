package io.clipstream.service;

import io.clipstream.topology.TopologySettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's six topics (seven with {@code topic.flagged}): created when missing (label sets and label embeddings compacted, since they are
 * tables), or, when creation is not allowed, checked so the service stops with the list of missing topics instead
 * of waiting on them.
 */
public final class Topics {
    private static final Logger LOG = LoggerFactory.getLogger(Topics.class);
    private static final long TIMEOUT_SECONDS = 60;

    /**
     * @param create            create missing topics (otherwise only check)
     * @param partitions        partitions of created topics
     * @param replicationFactor replication of created topics, -1 for the broker default
     */
    public record Policy(boolean create, int partitions, short replicationFactor) {}

    private Topics() {}

    /** The topics with their topic-level configs, in the order the data flows. */
    static Map<String, Map<String, String>> wanted(TopologySettings s) {
        Map<String, String> compacted = Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        Map<String, Map<String, String>> topics = new LinkedHashMap<>();
        topics.put(s.labelSetsTopic(), compacted);
        topics.put(s.labelEmbeddingsTopic(), compacted);
        topics.put(s.imagesTopic(), Map.of());
        topics.put(s.classificationsTopic(), Map.of());
        topics.put(s.imageEmbeddingsTopic(), Map.of());
        topics.put(s.deadLetterTopic(), Map.of());
        if (s.flaggedTopicEnabled()) {
            topics.put(s.flaggedTopic(), Map.of());
        }
        return topics;
    }

    /** Creates the missing topics or, if the policy forbids it, fails naming them. Returns the names created. */
    public static List<String> ensure(Admin admin, TopologySettings settings, Policy policy)
            throws InterruptedException, ExecutionException, TimeoutException {
        Set<String> existing = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        Map<String, Map<String, String>> wanted = wanted(settings);
        Set<String> missing = new TreeSet<>(wanted.keySet());
        missing.removeAll(existing);
        if (missing.isEmpty()) {
            return List.of();
        }
        if (!policy.create()) {
            throw new IllegalStateException(
                    "missing topics " + missing + " (topics.create=false: create them, or allow clipstream to)");
        }
        List<NewTopic> creations = new ArrayList<>();
        Optional<Short> replication =
                policy.replicationFactor() < 0 ? Optional.empty() : Optional.of(policy.replicationFactor());
        for (String name : missing) {
            creations.add(new NewTopic(name, Optional.of(policy.partitions()), replication).configs(wanted.get(name)));
        }
        List<String> created = new ArrayList<>();
        for (Map.Entry<String, org.apache.kafka.common.KafkaFuture<Void>> e :
                admin.createTopics(creations).values().entrySet()) {
            try {
                e.getValue().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                created.add(e.getKey());
                LOG.info("created topic {}", e.getKey());
            } catch (ExecutionException ex) {
                if (!(ex.getCause() instanceof TopicExistsException)) { // another instance was faster
                    throw ex;
                }
            }
        }
        if (!created.isEmpty()) {
            awaitKnown(
                    () -> admin.describeTopics(created).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS),
                    TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS));
        }
        return created;
    }

    /** One attempt to describe topics. */
    @FunctionalInterface
    interface Describe {
        void run() throws InterruptedException, ExecutionException, TimeoutException;
    }

    /**
     * Retries {@code describe} while it fails with {@code UnknownTopicOrPartitionException}, for up to
     * {@code timeoutNanos}. A creation completes once the controller holds the topics; a broker's metadata may lag
     * behind it (a busy broker, a larger cluster), and the checks that follow a creation at start (access, record
     * limits) would then fail a first start on a fresh cluster.
     */
    static void awaitKnown(Describe describe, long timeoutNanos)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + timeoutNanos;
        while (true) {
            try {
                describe.run();
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }
}
