package io.clipstream.topology;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A {@link SourceReader} over the records a test has sent, as the input topic would hold them. */
public final class RecordedSource implements SourceReader {
    private final Map<String, InputRecord> records = new ConcurrentHashMap<>();
    public int reads;

    public void add(InputRecord record) {
        records.put(record.topic() + "/" + record.partition() + "@" + record.offset(), record);
    }

    /** Forgets a record, as retention would. */
    public void delete(String topic, int partition, long offset) {
        records.remove(topic + "/" + partition + "@" + offset);
    }

    @Override
    public Map<Long, InputRecord> read(String topic, int partition, Collection<Long> offsets) {
        reads++;
        Map<Long, InputRecord> found = new HashMap<>();
        for (long offset : offsets) {
            InputRecord r = records.get(topic + "/" + partition + "@" + offset);
            if (r != null) {
                found.put(offset, r);
            }
        }
        return found;
    }
}
