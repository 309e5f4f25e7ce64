package io.clipstream.service;

import io.clipstream.service.ServiceMetrics.LabelCounts;
import io.clipstream.topology.RegistryStatus;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Liveness and readiness of one instance. Ready means: the model is loaded, the global label table is restored
 * (queryable), Kafka Streams is RUNNING, and no record waits for an unreachable schema registry
 * ({@link RegistryStatus}, shared with the topology's serdes). Live means: the streams have not failed for good (ERROR); an orchestrator
 * restarts an instance that is not live and sends no traffic to one that is not ready.
 */
public final class ServiceHealth {
    /** The answer of a probe: {@code ok}, or why not. */
    public record Status(boolean ok, String reason) {
        static final Status OK = new Status(true, "");

        static Status down(String reason) {
            return new Status(false, reason);
        }
    }

    private final RegistryStatus registry;
    private volatile boolean modelLoaded;
    private volatile Supplier<KafkaStreams.State> state = () -> null;
    private volatile Supplier<Optional<LabelCounts>> labelTable = Optional::empty;

    public ServiceHealth() {
        this(new RegistryStatus());
    }

    public ServiceHealth(RegistryStatus registry) {
        this.registry = registry;
    }

    /** The registry status this instance's serdes and exception handlers report outages to. */
    public RegistryStatus registry() {
        return registry;
    }

    public void modelLoaded() {
        modelLoaded = true;
    }

    /** Watch these streams and this label table from now on. */
    public void watch(Supplier<KafkaStreams.State> streamsState, Supplier<Optional<LabelCounts>> labels) {
        state = streamsState;
        labelTable = labels;
    }

    public Status live() {
        KafkaStreams.State now = state.get();
        if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.PENDING_ERROR) {
            return Status.down("Kafka Streams is in state " + now);
        }
        return Status.OK;
    }

    public Status ready() {
        if (!modelLoaded) {
            return Status.down("model not loaded yet");
        }
        KafkaStreams.State now = state.get();
        if (now == null) {
            return Status.down("Kafka Streams not started yet");
        }
        Optional<String> outage = registry.outage();
        if (outage.isPresent()) {
            return Status.down(outage.get());
        }
        if (now != KafkaStreams.State.RUNNING) {
            return Status.down("Kafka Streams is " + now + ", not RUNNING");
        }
        if (labelTable.get().isEmpty()) {
            return Status.down("label table not restored yet");
        }
        return Status.OK;
    }
}
