package io.clipstream.model.graph;

import io.clipstream.model.checkpoint.StateDict;
import io.clipstream.model.config.ClipConfig;
import io.clipstream.model.config.TextConfig;
import java.io.IOException;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * open_clip's HFTextEncoder over roberta-base as a SameDiff graph: RoBERTa embeddings, post-LN encoder
 * layers with exact GELU, mean pooling over the non-pad tokens (including {@code <s>} and {@code </s>}), and
 * the MLP projection {@code Linear → GELU → Linear} without biases. Output "text_embedding" [B, embed_dim],
 * un-normalised, as {@code encode_text} returns it.
 *
 * <p>Inputs are prepared by {@link TextBatch}: the tokens' word embeddings [B·L, hidden] (rows of the
 * {@link TokenTable}, which is RoBERTa's {@code word_embeddings}, looked up outside the graph), RoBERTa position ids,
 * the additive key mask and the pooling mask, for any L up to the context length.
 */
public final class TextTower implements TextTowerType {
    public static final String WORDS = "word_embeddings";
    public static final String POSITIONS = "position_ids";
    public static final String KEY_BIAS = "attention_bias";
    public static final String TOKEN_MASK = "token_mask";
    public static final String OUTPUT = "text_embedding";
    private static final String P = "text.transformer.";
    private static final String WORD_TABLE = P + "embeddings.word_embeddings.weight";

    /** The {@link TowerFactory}'s entry for {@link ClipConfig#HF_ROBERTA}. */
    public static final TextTowerType TYPE = new TextTower();

    private TextTower() {}

    @Override
    public String tokenTableKey() {
        return WORD_TABLE;
    }

    @Override
    public SDVariable build(SameDiff sd, StateDict weights, ClipConfig config) throws IOException {
        return build(sd, weights, config.text(), config.embedDim(), config.textProjectionHidden());
    }

    @Override
    public Map<String, INDArray> inputs(int[][] ids, ClipConfig config, TokenTable tokens) {
        return TextBatch.inputs(ids, config.text().padId(), tokens);
    }

    /** Builds the graph into {@code sd}, taking every {@code text.*} tensor but the word embeddings out of {@code dict}. */
    public static SDVariable build(SameDiff sd, StateDict dict, TextConfig cfg, int embedDim, int projectionHidden)
            throws IOException {
        Weights w = new Weights(sd, dict);
        int hidden = cfg.hidden();
        double eps = cfg.layerNormEps();

        SDVariable words = sd.placeHolder(WORDS, DataType.FLOAT, -1, hidden); // [B·L, hidden]
        SDVariable positions = sd.placeHolder(POSITIONS, DataType.INT, -1, -1);
        SDVariable keyBias = sd.placeHolder(KEY_BIAS, DataType.FLOAT, -1, 1, 1, -1);
        SDVariable tokenMask = sd.placeHolder(TOKEN_MASK, DataType.FLOAT, -1, -1, 1);
        SDVariable sequence = sd.shape(positions); // [B, L]

        // Embeddings: word + position + token type 0, then LayerNorm. Kept as a token matrix [B·L, hidden].
        SDVariable position = w.get(P + "embeddings.position_embeddings.weight", cfg.maxPositions(), hidden);
        INDArray tokenTypes = w.array(P + "embeddings.token_type_embeddings.weight", cfg.typeVocabSize(), hidden);
        SDVariable tokenType0 = sd.constant(
                P + "embeddings.token_type_embeddings.row0",
                tokenTypes.getRow(0).dup());
        SDVariable x = words.add(sd.gather(position, positions.reshape(-1), 0)).add(tokenType0);
        x = Layers.layerNorm(w, x, P + "embeddings.LayerNorm", hidden, eps);

        SDVariable headShape = Layers.qkvHeadShape(sd, sequence, cfg.heads(), cfg.headWidth());
        for (int i = 0; i < cfg.layers(); i++) {
            x = layer(w, x, P + "encoder.layer." + i, cfg, headShape, keyBias);
        }

        // Mean pooler: sum over non-pad tokens, divided by their count.
        SDVariable tokens = sd.reshape(x, sd.concat(0, sequence, sd.constant(Nd4j.createFromArray((long) hidden))));
        SDVariable pooled = tokens.mul(tokenMask).sum(1).div(tokenMask.sum(1)); // [B, hidden]

        SDVariable h = Layers.linearNoBias(w, pooled, "text.proj.0.weight", hidden, projectionHidden);
        h = Layers.gelu(sd, h);
        SDVariable out = Layers.linearNoBias(w, h, "text.proj.2.weight", projectionHidden, embedDim);
        return sd.identity(OUTPUT, out);
    }

    /** RoBERTa layer, post-LN: {@code h = LN(attn(x) + x); x = LN(ffn(h) + h)}. */
    private static SDVariable layer(
            Weights w, SDVariable x, String p, TextConfig cfg, SDVariable headShape, SDVariable keyBias)
            throws IOException {
        SameDiff sd = w.sd();
        int hidden = cfg.hidden();
        double eps = cfg.layerNormEps();
        String self = p + ".attention.self.";
        float[] weight = Weights.concat(
                w.data(self + "query.weight", hidden, hidden),
                w.data(self + "key.weight", hidden, hidden),
                w.data(self + "value.weight", hidden, hidden));
        float[] bias = Weights.concat(
                w.data(self + "query.bias", hidden),
                w.data(self + "key.bias", hidden),
                w.data(self + "value.bias", hidden));
        SDVariable[] qkv = w.fusedQkv(p + ".attention.self", weight, bias, hidden, hidden, cfg.headWidth(), null);
        SDVariable context = Layers.attention(sd, sd.mmul(x, qkv[0]).add(qkv[1]), headShape, hidden, keyBias);
        SDVariable attended = Layers.linear(w, context, p + ".attention.output.dense", hidden, hidden);
        SDVariable h = Layers.layerNorm(w, attended.add(x), p + ".attention.output.LayerNorm", hidden, eps);
        SDVariable ffn = Layers.gelu(sd, Layers.linear(w, h, p + ".intermediate.dense", hidden, cfg.intermediate()));
        ffn = Layers.linear(w, ffn, p + ".output.dense", cfg.intermediate(), hidden);
        return Layers.layerNorm(w, ffn.add(h), p + ".output.LayerNorm", hidden, eps);
    }
}
