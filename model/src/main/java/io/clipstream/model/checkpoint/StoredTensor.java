package io.clipstream.model.checkpoint;

import java.io.IOException;

/** A checkpoint tensor's shape, and its values as they are read when needed (from the file, or already in memory). */
record StoredTensor(long[] shape, Values values) {
    interface Values {
        float[] read() throws IOException;
    }

    static StoredTensor of(Tensor t) {
        return new StoredTensor(t.shape(), t::data);
    }
}
