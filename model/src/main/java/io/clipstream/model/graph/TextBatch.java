package io.clipstream.model.graph;

import java.util.HashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The text tower's inputs for a batch of token-id rows, padded to the longest row: the tokens' word embeddings (rows of
 * the {@link TokenTable}), RoBERTa position ids ({@code cumsum(mask)·mask + padId}: real tokens get padId+1, padId+2, …; pads get padId), the additive
 * key mask (large negative on pad keys) and the pooling mask.
 *
 * <p>Pad tokens cannot change a row's result, so rows may be given at their real length.
 */
public final class TextBatch {
    /** Additive bias that removes a key from the softmax; exp of it is exactly 0 in float32. */
    private static final float MASKED = -1e9f;

    private TextBatch() {}

    public static Map<String, INDArray> inputs(int[][] rows, int padId, TokenTable tokens) {
        int batch = rows.length;
        int length = 0;
        for (int[] row : rows) {
            length = Math.max(length, row.length);
        }
        int[] ids = new int[batch * length];
        int[] positions = new int[batch * length];
        float[] keyBias = new float[batch * length];
        float[] tokenMask = new float[batch * length];
        for (int b = 0; b < batch; b++) {
            int seen = 0;
            for (int t = 0; t < length; t++) {
                int i = b * length + t;
                int id = t < rows[b].length ? rows[b][t] : padId;
                boolean real = id != padId;
                ids[i] = id;
                seen += real ? 1 : 0;
                positions[i] = real ? seen + padId : padId;
                keyBias[i] = real ? 0f : MASKED;
                tokenMask[i] = real ? 1f : 0f;
            }
        }
        Map<String, INDArray> in = new HashMap<>();
        float[] words = new float[ids.length * tokens.width()];
        tokens.lookup(ids, words);
        in.put(TextTower.WORDS, Nd4j.create(words, new long[] {ids.length, tokens.width()}, 'c'));
        in.put(TextTower.POSITIONS, Nd4j.createFromArray(positions).reshape(batch, length));
        in.put(TextTower.KEY_BIAS, Nd4j.createFromArray(keyBias).reshape(batch, 1, 1, length));
        in.put(TextTower.TOKEN_MASK, Nd4j.createFromArray(tokenMask).reshape(batch, length, 1));
        return in;
    }
}
