package io.clipstream.model.graph;

import io.clipstream.model.checkpoint.StateDict;
import io.clipstream.model.config.ClipConfig;
import java.io.IOException;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One kind of text tower, as open_clip's {@code text_cfg} names it: how its graph is built from the checkpoint and
 * what inputs a batch of token-id rows becomes. The token-embedding table is not in the graph: {@link ClipGraph}
 * keeps it in a file ({@link TokenTable}) and the inputs carry the batch's rows of it. Registered by kind in
 * {@link TowerFactory}.
 */
public interface TextTowerType {
    /** The checkpoint name of the token-embedding table, [vocab, width], which {@link #build} leaves alone. */
    String tokenTableKey();

    /**
     * Builds the tower into {@code sd}, taking every {@code text.*} tensor but the token table out of {@code weights};
     * returns the output, the raw text embeddings [B, embed_dim].
     */
    SDVariable build(SameDiff sd, StateDict weights, ClipConfig config) throws IOException;

    /**
     * The graph's inputs for token-id rows of any lengths up to the context length (padding optional), their token
     * embeddings looked up in {@code tokens}.
     */
    Map<String, INDArray> inputs(int[][] ids, ClipConfig config, TokenTable tokens);
}
