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
 * behind until the garbage collector happens to free it (docs/nd4j.md#layouts).
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
     * one matmul per block instead of three, and no scaling of the scores. {@code foldedNorm}, when not null, is
     * the LayerNorm in front whose weight and bias are folded in as well (see {@link #foldNorm}).
     */
    SDVariable[] fusedQkv(String name, float[] weight, float[] bias, int out, int in, int headWidth, String foldedNorm)
            throws IOException {
        float[] t = transpose(weight, 3 * out, in); // [in, 3·out]
        float[] b = bias.clone();
        if (foldedNorm != null) {
            foldNorm(foldedNorm, t, b, in, 3 * out);
        }
        float scale = (float) (1 / Math.sqrt(headWidth));
        for (int r = 0; r < in; r++) {
            for (int c = 0; c < out; c++) {
                t[r * 3 * out + c] *= scale;
            }
        }
        for (int c = 0; c < out; c++) {
            b[c] *= scale;
        }
        return new SDVariable[] {
            constant(name + ".qkv_weight", t, in, 3L * out), constant(name + ".qkv_bias", b, 3L * out)
        };
    }

    /** A {@code nn.Linear} fed by the LayerNorm {@code normPrefix}: its [in, out] weight and bias with γ, β folded in. */
    SDVariable[] linearAfterNorm(String normPrefix, String prefix, int in, int out) throws IOException {
        float[] wt = transpose(data(prefix + ".weight", out, in), out, in);
        float[] b = data(prefix + ".bias", out).clone();
        foldNorm(normPrefix, wt, b, in, out);
        return new SDVariable[] {constant(prefix + ".weight", wt, in, out), constant(prefix + ".bias", b, out)};
    }

    /**
     * A pre-LN linear layer {@code LN(x) @ W + b} as {@code normalise(x) @ W' + b'}: the LayerNorm's weight γ and
     * bias β folded into the [in, out] matrix {@code wt} and the bias (both changed in place):
     * {@code W'[i][j] = γ[i]·W[i][j]}, {@code b'[j] = b[j] + Σᵢ β[i]·W[i][j]} (summed in double). Exact in real
     * arithmetic; in float it moves results by a few ulp, as any change of summation order does.
     */
    void foldNorm(String normPrefix, float[] wt, float[] bias, int in, int out) throws IOException {
        float[] gamma = data(normPrefix + ".weight", in);
        float[] beta = data(normPrefix + ".bias", in);
        for (int c = 0; c < out; c++) {
            double shift = 0;
            for (int r = 0; r < in; r++) {
                shift += (double) beta[r] * wt[r * out + c];
            }
            bias[c] = (float) (bias[c] + shift);
        }
        for (int r = 0; r < in; r++) {
            for (int c = 0; c < out; c++) {
                wt[r * out + c] *= gamma[r];
            }
        }
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
