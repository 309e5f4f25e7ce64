package io.clipstream.model.graph;

import io.clipstream.model.checkpoint.StateDict;
import io.clipstream.model.config.ClipConfig;
import io.clipstream.model.config.VisionConfig;
import java.io.IOException;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * open_clip's VisionTransformer (ViT-B/32 for this model) as a SameDiff graph: patchify, class token and
 * positions, {@code ln_pre}, pre-LN residual blocks with QuickGELU MLPs, {@code ln_post} on the class token,
 * {@code @ proj}. Input "pixels" [B, 3, S, S] (normalised), output "image_embedding" [B, embed_dim],
 * un-normalised, as {@code encode_image} returns it.
 */
public final class VisionTower implements VisionTowerType {
    public static final String INPUT = "pixels";
    public static final String OUTPUT = "image_embedding";
    private static final double EPS = 1e-5;

    /** The {@link TowerFactory}'s entry for {@link ClipConfig#VIT}. */
    public static final VisionTowerType TYPE = new VisionTower();

    private VisionTower() {}

    @Override
    public SDVariable build(SameDiff sd, StateDict weights, ClipConfig config) throws IOException {
        return build(sd, weights, config.vision(), config.embedDim(), config.quickGelu());
    }

    @Override
    public Map<String, INDArray> inputs(INDArray pixels, ClipConfig config) {
        return Map.of(INPUT, pixels);
    }

    /** Builds the graph into {@code sd}, taking every {@code visual.*} tensor out of {@code dict}. */
    public static SDVariable build(SameDiff sd, StateDict dict, VisionConfig cfg, int embedDim, boolean quickGelu)
            throws IOException {
        Weights w = new Weights(sd, dict);
        int width = cfg.width();
        int grid = cfg.grid();
        int patch = cfg.patchSize();
        long tokens = cfg.tokens();

        SDVariable pixels = sd.placeHolder(INPUT, DataType.FLOAT, -1, 3, cfg.imageSize(), cfg.imageSize());
        SDVariable batch = sd.shape(pixels).get(SDIndex.interval(0, 1));
        SDVariable sequence = sd.concat(0, batch, sd.constant(Nd4j.createFromArray(tokens))); // [B, T]

        // conv1 (kernel = stride = patch, no bias) is a matmul over flattened patches, (channel, row, col) order.
        SDVariable patches = pixels.reshape(-1, 3, grid, patch, grid, patch)
                .permute(0, 2, 4, 1, 3, 5)
                .reshape(-1, (long) grid * grid, 3L * patch * patch);
        // A zero row in front of the patches becomes the class-token slot: conv1 has no bias, so it stays 0
        // and the class embedding arrives with position 0 (cls + pos[0], as open_clip adds them).
        patches = sd.nn().pad(patches, sd.constant(Nd4j.createFromArray(new int[][] {{0, 0}, {1, 0}, {0, 0}})), 0.0);
        float[] conv = w.data("visual.conv1.weight", width, 3, patch, patch); // [width, 3·patch·patch]
        SDVariable x = sd.mmul(
                patches.reshape(-1, 3L * patch * patch),
                w.constant(
                        "visual.conv1.weight",
                        Weights.transpose(conv, width, 3 * patch * patch),
                        3L * patch * patch,
                        width));

        INDArray positions =
                w.array("visual.positional_embedding", tokens, width).dup();
        INDArray cls = w.array("visual.class_embedding", width);
        positions.getRow(0).addi(cls);
        x = x.reshape(-1, tokens, width)
                .add(sd.constant("visual.positional_embedding", positions))
                .reshape(-1, width);
        x = Layers.layerNorm(w, x, "visual.ln_pre", width, EPS);

        SDVariable headShape = Layers.qkvHeadShape(sd, sequence, cfg.heads(), cfg.headWidth());
        for (int i = 0; i < cfg.layers(); i++) {
            x = block(w, x, "visual.transformer.resblocks." + i, cfg, headShape, quickGelu);
        }

        SDVariable classToken = x.reshape(-1, tokens, width).get(SDIndex.all(), SDIndex.point(0), SDIndex.all());
        // ln_post @ proj, with ln_post's weight and bias folded into proj (stored [width, embed_dim], in × out).
        float[] proj = w.data("visual.proj", width, embedDim);
        float[] shift = new float[embedDim];
        w.foldNorm("visual.ln_post", proj, shift, width, embedDim);
        SDVariable pooled = Layers.normalise(sd, classToken, EPS);
        return sd.mmul(pooled, w.constant("visual.proj", proj, width, embedDim))
                .add(OUTPUT, w.constant("visual.ln_post.bias@proj", shift, embedDim));
    }

    /**
     * {@code x += attn(ln_1(x)); x += mlp(ln_2(x))}. Both LayerNorms feed a linear layer only, so their weight and
     * bias are folded into it (q/k/v and c_fc) and the graph just normalises.
     */
    private static SDVariable block(
            Weights w, SDVariable x, String p, VisionConfig cfg, SDVariable headShape, boolean quickGelu)
            throws IOException {
        SameDiff sd = w.sd();
        int width = cfg.width();
        SDVariable h = Layers.normalise(sd, x, EPS);
        x = x.add(attention(w, h, p + ".attn", p + ".ln_1", cfg, headShape));
        h = Layers.normalise(sd, x, EPS);
        SDVariable[] fc = w.linearAfterNorm(p + ".ln_2", p + ".mlp.c_fc", width, 4 * width);
        h = sd.mmul(h, fc[0]).add(fc[1]);
        h = quickGelu ? Layers.quickGelu(sd, h) : Layers.gelu(sd, h);
        return x.add(Layers.linear(w, h, p + ".mlp.c_proj", 4L * width, width));
    }

    /**
     * nn.MultiheadAttention with a packed in_proj: rows [0, W) are q, [W, 2W) k, [2W, 3W) v; one fused matmul, into
     * which the LayerNorm {@code norm} in front is folded.
     */
    private static SDVariable attention(
            Weights w, SDVariable h, String p, String norm, VisionConfig cfg, SDVariable headShape) throws IOException {
        int width = cfg.width();
        SDVariable[] qkv = w.fusedQkv(
                p,
                w.data(p + ".in_proj_weight", 3L * width, width),
                w.data(p + ".in_proj_bias", 3L * width),
                width,
                width,
                cfg.headWidth(),
                norm);
        SDVariable context = Layers.attention(w.sd(), w.sd().mmul(h, qkv[0]).add(qkv[1]), headShape, width, null);
        return Layers.linear(w, context, p + ".out_proj", width, width);
    }
}
