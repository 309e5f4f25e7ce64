package io.clipstream.service;

import io.clipstream.service.ServiceMetrics.LabelCounts;
import io.clipstream.topology.RegistryStatus;
import io.clipstream.topology.labelsets.LabelSetProgress;
import java.util.List;
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
    /** The answer of a probe: {@code ok}, or why not; and the label sets being encoded. */
    public record Status(boolean ok, String reason, List<LabelSetProgress.Encoding> encoding) {
        static final Status OK = new Status(true, "", List.of());

        static Status down(String reason) {
            return new Status(false, reason, List.of());
        }

        Status with(List<LabelSetProgress.Encoding> sets) {
            return new Status(ok, reason, sets);
        }
    }

    private final RegistryStatus registry;
    private volatile boolean modelLoaded;
    private volatile Supplier<KafkaStreams.State> state = () -> null;
    private volatile Supplier<Optional<LabelCounts>> labelTable = Optional::empty;
    private volatile LabelSetProgress encoding = new LabelSetProgress();

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

    /** Report the label sets being encoded, and their progress, with every readiness answer. */
    public void watchEncoding(LabelSetProgress progress) {
        encoding = progress;
    }

    public Status live() {
        KafkaStreams.State now = state.get();
        if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.PENDING_ERROR) {
            return Status.down("Kafka Streams is in state " + now);
        }
        return Status.OK;
    }

    /** Whether this instance can classify, with the label sets being encoded (those are not ready yet). */
    public Status ready() {
        return readiness().with(encoding.encoding());
    }

    private Status readiness() {
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
