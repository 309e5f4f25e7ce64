package io.clipstream.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.schemas.registry.SchemaRegistryException;
import io.clipstream.schemas.registry.SchemaRegistryException.Kind;
import io.clipstream.service.ServiceMetrics.LabelCounts;
import io.clipstream.topology.RegistryOutageRetry;
import io.clipstream.topology.RegistryStatus;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.KafkaStreams.State;
import org.junit.jupiter.api.Test;

class ServiceHealthTest {
    private final ServiceHealth health = new ServiceHealth();
    private final AtomicReference<State> state = new AtomicReference<>(State.CREATED);
    private final AtomicReference<Optional<LabelCounts>> table = new AtomicReference<>(Optional.empty());

    @Test
    void readyOnlyWithTheModelTheLabelTableAndRunningStreams() {
        assertThat(health.ready().reason()).isEqualTo("model not loaded yet");
        health.modelLoaded();
        assertThat(health.ready().reason()).isEqualTo("Kafka Streams not started yet");
        health.watch(state::get, table::get);
        state.set(State.REBALANCING);
        assertThat(health.ready())
                .isEqualTo(new ServiceHealth.Status(
                        false, "Kafka Streams is REBALANCING, not RUNNING", java.util.List.of()));
        state.set(State.RUNNING);
        assertThat(health.ready().reason()).isEqualTo("label table not restored yet");
        table.set(Optional.of(new LabelCounts(0, 0))); // restored, even if empty
        assertThat(health.ready().ok()).isTrue();
        state.set(State.PENDING_SHUTDOWN);
        assertThat(health.ready().ok()).isFalse();
    }

    @Test
    void liveUnlessTheStreamsFailed() {
        assertThat(health.live().ok()).isTrue(); // still loading the model
        health.watch(state::get, table::get);
        for (State s : State.values()) {
            state.set(s);
            assertThat(health.live().ok()).as(s.name()).isEqualTo(s != State.ERROR && s != State.PENDING_ERROR);
        }
    }

    @Test
    void notReadyWhileRecordsWaitForTheSchemaRegistryAndReadyAgainAfter() {
        RegistryStatus registry = new RegistryStatus();
        ServiceHealth health = new ServiceHealth(registry);
        health.modelLoaded();
        health.watch(state::get, table::get);
        state.set(State.RUNNING);
        table.set(Optional.of(new LabelCounts(1, 3)));
        assertThat(health.ready().ok()).isTrue();
        assertThat(health.registry()).isSameAs(registry);

        Deserializer<String> registryDown = (topic, bytes) -> {
            assertThat(health.ready().ok()).isFalse();
            assertThat(health.ready().reason())
                    .contains("schema registry unavailable", "http://registry:8081")
                    .doesNotContain("hunter2");
            assertThat(health.live().ok())
                    .as("an outage is not a reason to restart")
                    .isTrue();
            throw new SchemaRegistryException(
                    Kind.UNAVAILABLE,
                    "Schema registry http://user:hunter2@registry:8081 unreachable: java.net.ConnectException");
        };
        AtomicInteger calls = new AtomicInteger();
        RegistryOutageRetry retry = new RegistryOutageRetry(Duration.ofMillis(1), Duration.ofMillis(2), registry);
        String answer = retry.call(
                () -> {
                    if (calls.incrementAndGet() == 1) {
                        throw new SchemaRegistryException(
                                Kind.UNAVAILABLE,
                                "Schema registry http://user:hunter2@registry:8081 unreachable: java.net.ConnectException");
                    }
                    if (calls.get() <= 3) {
                        registryDown.deserialize("t", new byte[0]);
                    }
                    return "answered";
                },
                "reading from images");

        assertThat(answer).isEqualTo("answered");
        assertThat(calls).hasValue(4);
        assertThat(health.ready()).isEqualTo(new ServiceHealth.Status(true, "", java.util.List.of()));
    }

    @Test
    void readinessListsTheLabelSetsBeingEncodedWithTheirProgress() {
        ServiceHealth health = new ServiceHealth();
        io.clipstream.topology.labelsets.LabelSetProgress progress =
                new io.clipstream.topology.labelsets.LabelSetProgress();
        health.watchEncoding(progress);
        progress.update("moderation", 3, 1_200, 80_000);
        assertThat(health.ready().encoding())
                .containsExactly(
                        new io.clipstream.topology.labelsets.LabelSetProgress.Encoding("moderation", 3, 1_200, 80_000));
        progress.remove("moderation");
        assertThat(health.ready().encoding()).isEmpty();
    }
}
