package io.clipstream.cli;

import io.clipstream.schemas.Redaction;
import io.clipstream.service.InvalidConfigException;
import io.clipstream.service.KafkaClientFailure;
import io.clipstream.service.ServiceConfig;
import java.util.concurrent.Callable;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.Mixin;

/**
 * A command that talks to the cluster: reads the settings ({@link ClusterOptions}), exits 2 when they are invalid or a
 * Kafka client cannot be created from them (naming the setting), and otherwise runs with {@link ClusterClients}.
 */
abstract class ClusterCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Override
    public final Integer call() throws Exception {
        ServiceConfig settings;
        try {
            settings = cluster.load();
        } catch (InvalidConfigException e) {
            System.err.println("error: " + Redaction.text(e.getMessage()));
            return 2;
        }
        try {
            return run(new ClusterClients(settings));
        } catch (KafkaException e) {
            KafkaClientFailure failure = KafkaClientFailure.ifCreation(e, settings);
            if (failure == null) {
                throw e;
            }
            System.err.println("error: " + Redaction.text(failure.getMessage()));
            return 2;
        }
    }

    abstract int run(ClusterClients clients) throws Exception;
}
