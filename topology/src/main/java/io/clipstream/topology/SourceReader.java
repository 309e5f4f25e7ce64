package io.clipstream.topology;

import java.util.Collection;
import java.util.Map;

/**
 * Reads input records again by position. The processors buffer only where a record is (topic, partition, offset),
 * never its bytes, so that what they buffer stays small whatever the record's size; after a restart they read the
 * buffered records back through this.
 */
public interface SourceReader extends AutoCloseable {
    /** Streams config key under which tests hand the processors a reader of their own. */
    String CONFIG = "clipstream.source.reader";

    /**
     * The records at {@code offsets} of one partition, by offset. An offset missing from the answer is no longer in
     * the topic (deleted by retention or compaction).
     */
    Map<Long, InputRecord> read(String topic, int partition, Collection<Long> offsets);

    @Override
    default void close() {}

    /** The reader in the streams config under {@link #CONFIG}, else one that reads from the cluster. */
    static SourceReader fromConfig(Map<String, Object> appConfigs) {
        Object given = appConfigs.get(CONFIG);
        return given instanceof SourceReader reader ? reader : new KafkaSourceReader(appConfigs);
    }
}
