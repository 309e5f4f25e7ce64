package io.clipstream.model.graph;

import java.io.IOException;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The transformer pieces both towers share, built from SameDiff ops checked against PyTorch
 * (docs/nd4j.md#ops). The built-in layerNorm has no epsilon, so LayerNorm is built from mean, variance and
 * rsqrt ({@link #normalise}). The built-in gelu computes QuickGELU, not exact GELU: {@link #quickGelu} uses it
 * for that, and exact GELU is built from erf ({@link #gelu}). Activations are kept as a token matrix
 * [tokens, width]; only attention reshapes them into heads.
 */
final class Layers {
    private static final double SQRT_HALF = Math.sqrt(0.5);

    private Layers() {}

    /** {@code x @ W + b}, with W stored as PyTorch's [out, in]. */
    static SDVariable linear(Weights w, SDVariable x, String prefix, long in, long out) throws IOException {
        return w.sd().mmul(x, w.linearWeight(prefix + ".weight", out, in)).add(w.get(prefix + ".bias", out));
    }

    /** {@code x @ W}: a linear layer without bias. */
    static SDVariable linearNoBias(Weights w, SDVariable x, String key, long in, long out) throws IOException {
        return w.sd().mmul(x, w.linearWeight(key, out, in));
    }

    /** torch.nn.LayerNorm over the last dimension: biased variance, epsilon inside the square root. */
    static SDVariable layerNorm(Weights w, SDVariable x, String prefix, long width, double eps) throws IOException {
        return normalise(w.sd(), x, eps).mul(w.get(prefix + ".weight", width)).add(w.get(prefix + ".bias", width));
    }

    /**
     * LayerNorm without its affine part, {@code (x − mean) / √(var + eps)}: for a LayerNorm whose weight and bias
     * are folded into the linear layer it feeds (see {@link Weights#foldNorm}), two element-wise ops fewer.
     */
    static SDVariable normalise(SameDiff sd, SDVariable x, double eps) {
        SDVariable centred = x.sub(x.mean(true, -1));
        SDVariable variance = sd.math().square(centred).mean(true, -1);
        return centred.mul(sd.math().rsqrt(variance.add(eps)));
    }

    /** Exact GELU, {@code 0.5·x·(1 + erf(x/√2))}, as torch.nn.GELU() and Hugging Face's "gelu". */
    static SDVariable gelu(SameDiff sd, SDVariable x) {
        return x.mul(sd.math().erf(x.mul(SQRT_HALF)).add(1.0)).mul(0.5);
    }

    /**
     * OpenAI's QuickGELU, {@code x·σ(1.702·x)}: libnd4j's {@code gelu} op computes exactly this (not the exact GELU
     * its name suggests; bit-identical to {@code x.mul(sigmoid(x.mul(1.702)))}, checked by LayersTest), in one op
     * instead of three.
     */
    static SDVariable quickGelu(SameDiff sd, SDVariable x) {
        return sd.nn().gelu(x);
    }

    /** The shape [B, T, 3, heads, headWidth] that splits a fused q/k/v token matrix into heads; built once per tower. */
    static SDVariable qkvHeadShape(SameDiff sd, SDVariable sequence, int heads, int headWidth) {
        return sd.concat(0, sequence, sd.constant(Nd4j.createFromArray(3L, heads, headWidth)));
    }

    /**
     * Scaled dot-product attention over heads. {@code qkv} is the fused token matrix [B·T, 3·width] whose q part is
     * already scaled by 1/√headWidth (see {@link Weights#fusedQkv}); {@code keyBias} is null or an additive
     * [B, 1, 1, T] mask. Returns [B·T, width].
     */
    static SDVariable attention(SameDiff sd, SDVariable qkv, SDVariable qkvHeadShape, int width, SDVariable keyBias) {
        SDVariable heads = sd.reshape(qkv, qkvHeadShape).permute(2, 0, 3, 1, 4); // [3, B, H, T, d]
        SDVariable[] qkvh = sd.unstack(heads, 0, 3);
        SDVariable scores = sd.mmul(qkvh[0], qkvh[1], false, true, false); // [B, H, T, T]
        if (keyBias != null) {
            scores = scores.add(keyBias);
        }
        SDVariable context = sd.mmul(sd.nn().softmax(scores, -1), qkvh[2]); // [B, H, T, d]
        return context.permute(0, 2, 1, 3).reshape(-1, width);
    }
}
