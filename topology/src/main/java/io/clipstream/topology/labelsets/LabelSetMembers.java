package io.clipstream.topology.labelsets;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The label names (and version) of the last label set version encoded for an id: what the next version must
 * send tombstones for when a label disappears, and what a set's tombstone deletes.
 */
public record LabelSetMembers(long version, List<String> names) {

    public LabelSetMembers {
        names = List.copyOf(names);
    }

    public static Serde<LabelSetMembers> serde() {
        return Serdes.serdeFrom(
                (topic, m) -> m == null ? null : m.toBytes(),
                (topic, bytes) -> bytes == null ? null : fromBytes(bytes));
    }

    byte[] toBytes() {
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeLong(version);
            out.writeInt(names.size());
            for (String name : names) {
                byte[] utf8 = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                out.writeInt(utf8.length);
                out.write(utf8);
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static LabelSetMembers fromBytes(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            long version = in.readLong();
            int count = in.readInt();
            if (count < 0 || count > bytes.length) {
                throw new IllegalStateException("corrupt label-set-members entry: " + count + " names");
            }
            List<String> names = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int n = in.readInt();
                if (n < 0 || n > in.available()) {
                    throw new IllegalStateException("corrupt label-set-members entry: name of " + n + " bytes");
                }
                names.add(new String(in.readNBytes(n), java.nio.charset.StandardCharsets.UTF_8));
            }
            return new LabelSetMembers(version, names);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
