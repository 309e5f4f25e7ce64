package io.clipstream.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The record limit read from a real broker: topic overrides, the broker default for changelogs, the producer's. */
class RecordCapacityTest {
    @TempDir
    static Path dir;

    private static EmbeddedBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedBroker.start(dir, 0);
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void theSmallestLimitOfEveryTopicWrittenAndOfTheProducerWins() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(List.of(
                            new NewTopic("out", Optional.of(1), Optional.empty()),
                            new NewTopic("dlq", Optional.of(1), Optional.empty())
                                    .configs(Map.of("max.message.bytes", "300000")),
                            new NewTopic("app-store-changelog", Optional.of(1), Optional.empty())
                                    .configs(Map.of("max.message.bytes", "2000000"))))
                    .all()
                    .get();

            List<RecordCapacity.Limit> limits = RecordCapacity.limits(
                    admin, List.of("out", "dlq"), List.of("app-store-changelog", "app-missing-changelog"), 16 << 20);

            assertThat(limits)
                    .contains(
                            new RecordCapacity.Limit("producer max.request.size", 16 << 20),
                            new RecordCapacity.Limit("topic dlq", 300_000),
                            new RecordCapacity.Limit("topic app-store-changelog", 2_000_000),
                            new RecordCapacity.Limit("topic out", 16 << 20),
                            new RecordCapacity.Limit(
                                    "broker message.max.bytes (for changelogs yet to be created)", 16 << 20));
            assertThat(RecordCapacity.capacity(limits)).isEqualTo(300_000);
            assertThat(RecordCapacity.topicLimit(admin, "dlq")).contains(300_000);
            assertThat(RecordCapacity.topicLimit(admin, "no-such-topic")).isEmpty();
        }
    }
}
