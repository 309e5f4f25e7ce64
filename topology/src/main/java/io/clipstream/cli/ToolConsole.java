package io.clipstream.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** What the commands that run a whole cluster in-process share: quiet logs and a temp folder cleaned up after. */
public final class ToolConsole {
    private ToolConsole() {}

    /**
     * The tool prints its own progress; the broker's and Kafka Streams' INFO lines would bury it. Kafka and the
     * service log at {@code level} or above; the temp state folder and the global-thread handler warnings not at all.
     */
    public static void quietLogs(ch.qos.logback.classic.Level level) {
        for (String name : List.of(
                "state.change.logger",
                "kafka",
                "org.apache.kafka",
                "org.apache.kafka.streams.KafkaStreams",
                "io.clipstream.service")) {
            setLevel(name, level);
        }
        setLevel("org.apache.kafka.streams.processor.internals.StateDirectory", ch.qos.logback.classic.Level.ERROR);
        setLevel("org.apache.kafka.streams.StreamsConfig", ch.qos.logback.classic.Level.ERROR);
    }

    private static void setLevel(String logger, ch.qos.logback.classic.Level level) {
        if (org.slf4j.LoggerFactory.getLogger(logger) instanceof ch.qos.logback.classic.Logger l) {
            l.setLevel(level);
        }
    }

    /** Deletes a folder and everything in it, as far as it can: a temp folder left behind is harmless. */
    public static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a temp folder left behind is harmless
        }
    }
}
