package io.clipstream.topology.labelsets;

import java.nio.ByteBuffer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** float[] as big-endian IEEE floats: the value format of the prompt-embedding cache. */
public final class FloatArraySerde implements Serde<float[]> {

    @Override
    public Serializer<float[]> serializer() {
        return (topic, v) -> {
            if (v == null) {
                return null;
            }
            ByteBuffer b = ByteBuffer.allocate(4 * v.length);
            b.asFloatBuffer().put(v);
            return b.array();
        };
    }

    @Override
    public Deserializer<float[]> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            if (bytes.length % 4 != 0) {
                throw new IllegalStateException("float array of " + bytes.length + " bytes");
            }
            float[] v = new float[bytes.length / 4];
            ByteBuffer.wrap(bytes).asFloatBuffer().get(v);
            return v;
        };
    }
}
