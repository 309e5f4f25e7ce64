package io.clipstream.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clipstream.topology.TopologySettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Creating and checking topics on a real broker (127.0.0.1). */
class TopicsTest {
    @TempDir
    static Path dir;

    private static EmbeddedBroker broker;
    private static Admin admin;

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedBroker.start(Files.createDirectories(dir.resolve("kafka")), 0);
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
    }

    @AfterAll
    static void stop() {
        admin.close();
        broker.close();
    }

    @Test
    void checkOnlyNamesTheMissingTopicsAndCreatesNothing() throws Exception {
        TopologySettings s = renamed("check");
        admin.createTopics(List.of(new NewTopic(s.imagesTopic(), 1, (short) 1)))
                .all()
                .get();
        // the controller has the topic; the broker's metadata, which listTopics reads, may follow a moment later
        for (int i = 0; i < 200 && !admin.listTopics().names().get().contains(s.imagesTopic()); i++) {
            Thread.sleep(25);
        }
        assertThatThrownBy(() -> Topics.ensure(admin, s, new Topics.Policy(false, 1, (short) 1)))
                .hasMessageContaining("missing topics [check-classifications, check-dlq, check-image-embeddings, "
                        + "check-label-embeddings, check-label-sets]")
                .hasMessageContaining("topics.create=false");
        assertThat(admin.listTopics().names().get()).doesNotContain(s.labelSetsTopic());
    }

    @Test
    void aDescribeRightAfterCreationIsRetriedWhileTheTopicIsUnknown() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Topics.awaitKnown(
                () -> {
                    if (calls.incrementAndGet() < 3) {
                        throw new ExecutionException(new UnknownTopicOrPartitionException("not yet"));
                    }
                },
                TimeUnit.SECONDS.toNanos(10));
        assertThat(calls).hasValue(3);
    }

    @Test
    void aTopicStillUnknownAtTheDeadlineOrAnotherFailureIsThrown() {
        assertThatThrownBy(() -> Topics.awaitKnown(
                        () -> {
                            throw new ExecutionException(new UnknownTopicOrPartitionException("never"));
                        },
                        TimeUnit.MILLISECONDS.toNanos(300)))
                .hasCauseInstanceOf(UnknownTopicOrPartitionException.class);
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> Topics.awaitKnown(
                        () -> {
                            calls.incrementAndGet();
                            throw new ExecutionException(new TopicAuthorizationException("denied"));
                        },
                        TimeUnit.SECONDS.toNanos(10)))
                .hasCauseInstanceOf(TopicAuthorizationException.class);
        assertThat(calls).as("not retried").hasValue(1);
    }

    @Test
    void createsOnlyWhatIsMissingWithTablesCompacted() throws Exception {
        TopologySettings s = renamed("create");
        admin.createTopics(List.of(new NewTopic(s.imagesTopic(), 1, (short) 1)))
                .all()
                .get();
        List<String> created = Topics.ensure(admin, s, new Topics.Policy(true, 2, (short) 1));
        assertThat(created)
                .containsExactlyInAnyOrder(
                        s.labelSetsTopic(),
                        s.labelEmbeddingsTopic(),
                        s.classificationsTopic(),
                        s.imageEmbeddingsTopic(),
                        s.deadLetterTopic());
        var described = admin.describeTopics(Set.of(s.classificationsTopic(), s.imagesTopic()))
                .allTopicNames()
                .get();
        assertThat(described.get(s.classificationsTopic()).partitions()).hasSize(2);
        assertThat(described.get(s.imagesTopic()).partitions()).hasSize(1); // existing topics are left alone
        Map<ConfigResource, Config> configs = admin.describeConfigs(List.of(
                        new ConfigResource(ConfigResource.Type.TOPIC, s.labelEmbeddingsTopic()),
                        new ConfigResource(ConfigResource.Type.TOPIC, s.deadLetterTopic())))
                .all()
                .get();
        assertThat(configs.get(new ConfigResource(ConfigResource.Type.TOPIC, s.labelEmbeddingsTopic()))
                        .get("cleanup.policy")
                        .value())
                .isEqualTo("compact");
        assertThat(configs.get(new ConfigResource(ConfigResource.Type.TOPIC, s.deadLetterTopic()))
                        .get("cleanup.policy")
                        .value())
                .isEqualTo("delete");
        assertThat(Topics.ensure(admin, s, new Topics.Policy(false, 2, (short) 1)))
                .isEmpty();
    }

    private static TopologySettings renamed(String prefix) {
        TopologySettings d = TopologySettings.defaults();
        return new TopologySettings(
                prefix + "-label-sets",
                prefix + "-label-embeddings",
                prefix + "-images",
                prefix + "-classifications",
                prefix + "-image-embeddings",
                prefix + "-dlq",
                false,
                d.batchSize(),
                d.maxWait(),
                d.overlapTower(),
                1,
                d.defaultTopK(),
                d.maxLabels(),
                d.maxPromptChars(),
                d.maxImageBytes(),
                d.fetch());
    }
}
