package io.clipstream.topology;

import io.clipstream.model.ClipModel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The service in its own JVM for the crash test: {@code ChildApp <bootstrap> <registryUrl> <modelDir> <stateDir>}.
 * Prints RUNNING once the streams are running; the test kills the process without warning.
 */
public final class ChildApp {
    public static void main(String[] args) throws Exception {
        ClipModel model = ClipModel.load(Path.of(args[2]));
        StreamsSettings streams =
                StreamsSettings.defaults(args[0], args[1], Path.of(args[3])).withApplicationId("clipstream-it");
        TopologySettings settings = TopologySettings.defaults().withBatch(8, Duration.ofMillis(50));
        Properties properties = streams.toProperties();
        // The killed instance's group membership must expire quickly so the restarted one gets its partitions.
        properties.put(StreamsConfig.consumerPrefix("session.timeout.ms"), 6_000);
        properties.put(StreamsConfig.consumerPrefix("heartbeat.interval.ms"), 1_000);
        KafkaStreams app = new KafkaStreams(ClipstreamApp.topology(streams, settings, model), properties);
        app.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.RUNNING) {
                System.out.println("RUNNING");
            }
            if (now == KafkaStreams.State.ERROR) {
                System.out.println("ERROR");
            }
        });
        app.start();
        Thread.sleep(Long.MAX_VALUE);
    }
}
