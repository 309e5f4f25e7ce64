package io.clipstream.model.checkpoint;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** A checkpoint tensor's shape, and its values as they are read when needed (from the file, or already in memory). */
record StoredTensor(long[] shape, Values values) {
    interface Values {
        float[] read() throws IOException;
    }

    static StoredTensor of(Tensor t) {
        return new StoredTensor(t.shape(), t::data);
    }

    /** Every tensor of an index, read now, in its order. */
    static Map<String, Tensor> readAll(Map<String, StoredTensor> index) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (var e : index.entrySet()) {
            tensors.put(
                    e.getKey(),
                    new Tensor(e.getValue().shape(), e.getValue().values().read()));
        }
        return tensors;
    }
}
