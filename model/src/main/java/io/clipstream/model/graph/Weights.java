package io.clipstream.model.graph;

import io.clipstream.model.checkpoint.StateDict;
import io.clipstream.model.checkpoint.Tensor;
import java.io.IOException;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Moves checkpoint tensors into a SameDiff graph as constants, each under its open_clip name, with its
 * shape asserted. Every tensor is taken out of the {@link StateDict}, so that what is left afterwards
 * are the unexpected keys.
 *
 * <p>Rearrangements (transposes, the fused q/k/v matrix) are done on the Java arrays, so that each weight is
 * copied off-heap exactly once: an {@code INDArray.transpose().dup()} would leave a second off-heap copy
 * behind until the garbage collector happens to free it, which at full size cost ≈ 0.7 GB of peak RSS.
 */
final class Weights {
    private final SameDiff sd;
    private final StateDict dict;

    Weights(SameDiff sd, StateDict dict) {
        this.sd = sd;
        this.dict = dict;
    }

    /** The tensor as it is stored. */
    SDVariable get(String key, long... shape) throws IOException {
        return sd.constant(key, array(key, shape));
    }

    /**
     * A {@code nn.Linear} weight, stored [out, in], as the [in, out] matrix that {@code x @ W} wants:
     * transposed once at load instead of on every forward pass.
     */
    SDVariable linearWeight(String key, long out, long in) throws IOException {
        float[] w = dict.take(key, out, in).data();
        return constant(key, transpose(w, (int) out, (int) in), in, out);
    }

    /**
     * q, k and v projections as one [in, 3·out] matrix and one [3·out] bias, from three [out, in] weights (or one
     * packed [3·out, in] weight) and their biases. The attention scale 1/√headWidth is folded into the q columns:
     * one matmul per block instead of three, and no scaling of the scores.
     */
    SDVariable[] fusedQkv(String name, float[] weight, float[] bias, int out, int in, int headWidth) {
        float scale = (float) (1 / Math.sqrt(headWidth));
        float[] t = transpose(weight, 3 * out, in);   // [in, 3·out]
        for (int r = 0; r < in; r++) {
            for (int c = 0; c < out; c++) {
                t[r * 3 * out + c] *= scale;
            }
        }
        float[] b = bias.clone();
        for (int c = 0; c < out; c++) {
            b[c] *= scale;
        }
        return new SDVariable[]{constant(name + ".qkv_weight", t, in, 3L * out), constant(name + ".qkv_bias", b, 3L * out)};
    }

    /** The raw data of a tensor, for weights that are rearranged before they enter the graph. */
    float[] data(String key, long... shape) throws IOException {
        return dict.take(key, shape).data();
    }

    /** The raw array, for weights that are reshaped or combined before they enter the graph. */
    INDArray array(String key, long... shape) throws IOException {
        Tensor t = dict.take(key, shape);
        return Nd4j.create(t.data(), t.shape(), 'c');
    }

    SDVariable constant(String name, float[] data, long... shape) {
        return sd.constant(name, Nd4j.create(data, shape, 'c'));
    }

    /** A row-major [rows, cols] matrix transposed to [cols, rows]. */
    static float[] transpose(float[] m, int rows, int cols) {
        float[] t = new float[m.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = m[r * cols + c];
            }
        }
        return t;
    }

    /** Rows stacked: [a; b; c]. */
    static float[] concat(float[]... parts) {
        int n = 0;
        for (float[] p : parts) {
            n += p.length;
        }
        float[] all = new float[n];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    SameDiff sd() {
        return sd;
    }
}
