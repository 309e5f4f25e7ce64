package io.clipstream.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.service.ServiceMetrics.LabelCounts;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
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
        assertThat(health.ready()).isEqualTo(new ServiceHealth.Status(false, "Kafka Streams is REBALANCING, not RUNNING"));
        state.set(State.RUNNING);
        assertThat(health.ready().reason()).isEqualTo("label table not restored yet");
        table.set(Optional.of(new LabelCounts(0, 0)));       // restored, even if empty
        assertThat(health.ready().ok()).isTrue();
        state.set(State.PENDING_SHUTDOWN);
        assertThat(health.ready().ok()).isFalse();
    }

    @Test
    void liveUnlessTheStreamsFailed() {
        assertThat(health.live().ok()).isTrue();               // still loading the model
        health.watch(state::get, table::get);
        for (State s : State.values()) {
            state.set(s);
            assertThat(health.live().ok()).as(s.name()).isEqualTo(s != State.ERROR && s != State.PENDING_ERROR);
        }
    }
}
