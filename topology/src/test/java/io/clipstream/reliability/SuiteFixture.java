package io.clipstream.reliability;

import io.clipstream.model.ClipModel;
import io.clipstream.service.EmbeddedBroker;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * What each reliability suite runs {@code clipstream run} against: a KRaft broker and a schema registry on 127.0.0.1,
 * both able to stop and start again on the same ports, and the tiny random model (seed 7), all under the suite's
 * temporary folder. One per test class, started in {@code @BeforeAll} and closed in {@code @AfterAll}.
 */
record SuiteFixture(Path dir, EmbeddedBroker broker, RestartableRegistry registry, Path model)
        implements AutoCloseable {

    /**
     * Writes the model to {@code dir/model}, then starts the broker in {@code dir/kafka} and a registry for
     * {@code scope}.
     */
    static SuiteFixture start(Path dir, String scope) throws IOException {
        return start(dir, scope, Map.of());
    }

    /** As {@link #start(Path, String)}, the broker with a second, SASL_PLAINTEXT listener for these PLAIN users. */
    static SuiteFixture start(Path dir, String scope, Map<String, String> saslUsers) throws IOException {
        Path model = ClipModel.writeTinyRandomModel(dir.resolve("model"), 7);
        EmbeddedBroker broker = EmbeddedBroker.start(dir.resolve("kafka"), 0, saslUsers);
        try {
            return new SuiteFixture(dir, broker, RestartableRegistry.start(scope), model);
        } catch (IOException | RuntimeException e) {
            broker.close();
            throw e;
        }
    }

    /** A workload with its own topics and consumer group, named {@code name}, on this broker and registry. */
    Workload workload(String name) {
        return new Workload(name, broker.bootstrapServers(), registry.url());
    }

    /** The settings of {@code clipstream run} for {@code instance} of {@code w} on the tiny model. */
    Map<String, String> settings(Workload w, String instance) {
        return w.settings(dir, model, instance);
    }

    @Override
    public void close() {
        registry.close();
        broker.close();
    }
}
