package io.clipstream.model.graph;

import io.clipstream.model.checkpoint.StateDict;
import io.clipstream.model.config.ClipConfig;
import java.io.IOException;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One kind of image tower, as open_clip's {@code vision_cfg} names it: how its graph is built from the checkpoint and
 * what inputs a batch of preprocessed images becomes. Registered by kind in {@link TowerFactory}.
 */
public interface VisionTowerType {
    /**
     * Builds the tower into {@code sd}, taking every {@code visual.*} tensor out of {@code weights}; returns the
     * output, the raw image embeddings [B, embed_dim].
     */
    SDVariable build(SameDiff sd, StateDict weights, ClipConfig config) throws IOException;

    /** The graph's inputs for a batch of preprocessed images, {@code pixels} [batch, 3, S, S]. */
    Map<String, INDArray> inputs(INDArray pixels, ClipConfig config);
}
