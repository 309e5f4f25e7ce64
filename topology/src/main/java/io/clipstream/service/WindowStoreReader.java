package io.clipstream.service;

import io.clipstream.search.SearchWindowProcessor;
import io.clipstream.search.SearchWindows;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Reads the search windows' store through Kafka Streams' interactive queries, the one way its stores may be read off
 * the stream threads. A partition this instance does not hold now (moved, restoring, shutting down) reads as null, and
 * a search then ranks that partition's candidates by their int8 copies.
 */
final class WindowStoreReader implements SearchWindows.StoreReader {
    private final KafkaStreams streams;
    private final Map<Integer, ReadOnlyKeyValueStore<Long, byte[]>> byPartition = new ConcurrentHashMap<>();

    WindowStoreReader(KafkaStreams streams) {
        this.streams = streams;
    }

    @Override
    public byte[] read(int partition, long key) {
        try {
            return byPartition.computeIfAbsent(partition, this::store).get(key);
        } catch (InvalidStateStoreException e) {
            byPartition.remove(partition);
            return null;
        }
    }

    private ReadOnlyKeyValueStore<Long, byte[]> store(int partition) {
        return streams.store(StoreQueryParameters.fromNameAndType(
                        SearchWindowProcessor.STORE, QueryableStoreTypes.<Long, byte[]>keyValueStore())
                .withPartition(partition));
    }
}
