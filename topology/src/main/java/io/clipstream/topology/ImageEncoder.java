package io.clipstream.topology;

import io.clipstream.model.image.ImageRejectedException;
import java.util.List;

/** The image half of the model as the topology uses it: bytes to a pixel tensor, a batch of tensors to embeddings. */
public interface ImageEncoder {
    /** Model id stamped on every classification and embedding. */
    String modelId();

    /** Decoded, resized, cropped and normalised CHW pixels; safe to call from several threads. */
    float[] preprocess(byte[] imageBytes) throws ImageRejectedException;

    /** Raw image embeddings, one row per preprocessed image, in one pass of the image tower. */
    float[][] encodeImages(List<float[]> preprocessed);
}
