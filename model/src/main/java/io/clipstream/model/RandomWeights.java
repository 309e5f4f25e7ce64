package io.clipstream.model;

import io.clipstream.model.checkpoint.Tensor;
import io.clipstream.model.config.ClipConfig;
import io.clipstream.model.config.TextConfig;
import io.clipstream.model.config.VisionConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A random-weight state dict with open_clip's exact key names and shapes for a given config: the
 * full-size model for benchmarks where the real weights cannot be had, and tiny models for tests and the
 * offline demo. Matrices ~ N(0, 0.02²), LayerNorm weights ~ 1 + N(0, 0.1²), biases ~ N(0, 0.02²), so
 * activations stay in a realistic range. Embeddings of such a model mean nothing.
 */
public final class RandomWeights {
    private final SplittableRandom random;
    private final Map<String, Tensor> tensors = new LinkedHashMap<>();

    private RandomWeights(long seed) {
        this.random = new SplittableRandom(seed);
    }

    public static Map<String, Tensor> generate(ClipConfig config, long seed) {
        RandomWeights w = new RandomWeights(seed);
        w.vision(config.vision(), config.embedDim());
        w.text(config.text(), config.embedDim(), config.textProjectionHidden());
        w.tensors.put("logit_scale", new Tensor(new long[0], new float[] {(float) Math.log(1 / 0.07)}));
        return w.tensors;
    }

    private void vision(VisionConfig v, int embedDim) {
        long width = v.width();
        normal("visual.class_embedding", 0.02, width);
        normal("visual.positional_embedding", 0.02, v.tokens(), width);
        normal("visual.proj", 0.02, width, embedDim);
        normal("visual.conv1.weight", 0.02, width, 3, v.patchSize(), v.patchSize());
        layerNorm("visual.ln_pre", width);
        layerNorm("visual.ln_post", width);
        for (int i = 0; i < v.layers(); i++) {
            String p = "visual.transformer.resblocks." + i;
            layerNorm(p + ".ln_1", width);
            normal(p + ".attn.in_proj_weight", 0.02, 3 * width, width);
            normal(p + ".attn.in_proj_bias", 0.02, 3 * width);
            linear(p + ".attn.out_proj", width, width);
            layerNorm(p + ".ln_2", width);
            linear(p + ".mlp.c_fc", width, 4 * width);
            linear(p + ".mlp.c_proj", 4 * width, width);
        }
    }

    private void text(TextConfig t, int embedDim, int projectionHidden) {
        String e = "text.transformer.embeddings.";
        long hidden = t.hidden();
        normal(e + "word_embeddings.weight", 0.02, t.vocabSize(), hidden);
        normal(e + "position_embeddings.weight", 0.02, t.maxPositions(), hidden);
        normal(e + "token_type_embeddings.weight", 0.02, t.typeVocabSize(), hidden);
        layerNorm(e + "LayerNorm", hidden);
        for (int i = 0; i < t.layers(); i++) {
            String p = "text.transformer.encoder.layer." + i;
            linear(p + ".attention.self.query", hidden, hidden);
            linear(p + ".attention.self.key", hidden, hidden);
            linear(p + ".attention.self.value", hidden, hidden);
            linear(p + ".attention.output.dense", hidden, hidden);
            layerNorm(p + ".attention.output.LayerNorm", hidden);
            linear(p + ".intermediate.dense", hidden, t.intermediate());
            linear(p + ".output.dense", t.intermediate(), hidden);
            layerNorm(p + ".output.LayerNorm", hidden);
        }
        normal("text.proj.0.weight", 0.02, projectionHidden, hidden);
        normal("text.proj.2.weight", 0.02, embedDim, projectionHidden);
    }

    private void linear(String prefix, long in, long out) {
        normal(prefix + ".weight", 0.02, out, in);
        normal(prefix + ".bias", 0.02, out);
    }

    private void layerNorm(String prefix, long width) {
        float[] weight = gaussian(width, 0.1);
        for (int i = 0; i < weight.length; i++) {
            weight[i] += 1f;
        }
        tensors.put(prefix + ".weight", new Tensor(new long[] {width}, weight));
        normal(prefix + ".bias", 0.02, width);
    }

    private void normal(String key, double std, long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        tensors.put(key, new Tensor(shape, gaussian(n, std)));
    }

    private float[] gaussian(long n, double std) {
        float[] data = new float[Math.toIntExact(n)];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) (nextGaussian() * std);
        }
        return data;
    }

    /** Box–Muller over SplittableRandom: reproducible for a seed on every JVM. */
    private double nextGaussian() {
        double u = 1.0 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
