package io.clipstream.model.checkpoint;

import java.util.Arrays;

/**
 * A float32 tensor as a checkpoint stores it: row-major (C order) values and the shape from the checkpoint.
 * Checkpoints in fp16/bf16 are widened to float32 on read, so the model code sees one element type.
 * The array is not copied: treat it as read-only.
 */
public record Tensor(long[] shape, float[] data) {

    public Tensor {
        if (numel(shape) != data.length) {
            throw new IllegalArgumentException(
                    "shape " + Arrays.toString(shape) + " needs " + numel(shape) + " values, got " + data.length);
        }
    }

    /** The number of elements: the product of the shape (1 for a 0-dim tensor). */
    public long numel() {
        return data.length;
    }

    static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape);
    }
}
