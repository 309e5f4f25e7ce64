package io.clipstream.topology;

import io.clipstream.model.image.ImageRejectedException;
import io.clipstream.model.image.RgbCrop;
import java.util.List;

/**
 * The image half of the model as the topology uses it: bytes to an 8-bit RGB crop (what waits for a batch), a batch
 * of crops to embeddings.
 */
public interface ImageEncoder {
    /** Model id stamped on every classification and embedding. */
    String modelId();

    /** Decoded, resized and cropped pixels, not yet normalised; safe to call from several threads. */
    RgbCrop crop(byte[] imageBytes) throws ImageRejectedException;

    /** Raw image embeddings, one row per crop, in one pass of the image tower. */
    float[][] encodeImages(List<RgbCrop> crops);
}
