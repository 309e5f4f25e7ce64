package io.clipstream.topology.labelsets;

import io.clipstream.model.image.RgbCrop;
import io.clipstream.schemas.ImageEvent;
import io.clipstream.schemas.ImageUrl;
import io.clipstream.schemas.InlineImage;
import io.clipstream.schemas.LabelExample;
import io.clipstream.topology.ImageEncoder;
import io.clipstream.topology.deadletters.DeadLetters;
import io.clipstream.topology.images.ImagePreparer;
import io.clipstream.topology.images.Preparation;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * A label's example images on their way to the image tower. An example is prepared exactly as an image event's image
 * is, by the same {@link ImagePreparer}: the same byte limit, fetch guard, decoder and preprocessing, and the same
 * dead-letter codes when it fails. Its embedding is cached by the SHA-256 of its cropped pixels, which alone determine it (with the model id): the
 * same picture sent inline or fetched, in one set or another, goes through the tower once.
 */
public final class ExampleImages {
    private final ImagePreparer preparer;
    private final ImageEncoder encoder;

    public ExampleImages(ImagePreparer preparer, ImageEncoder encoder) {
        this.preparer = preparer;
        this.encoder = encoder;
    }

    /** The example's pixels, or why it cannot be used; {@code name} is only carried along. */
    Preparation prepare(String name, LabelExample example) {
        Object image = example.getData() != null ? new InlineImage(example.getData()) : new ImageUrl(example.getUrl());
        return preparer.prepare(ImageEvent.newBuilder()
                .setId(name)
                .setEventTime(Instant.EPOCH)
                .setImage(image)
                .build());
    }

    /** Raw image-tower embeddings of prepared examples, in one pass. */
    float[][] encode(List<RgbCrop> crops) {
        return encoder.encodeImages(crops);
    }

    /** The SHA-256 of the crop's pixels: what the cache key of an example's embedding is made of. */
    static byte[] hash(RgbCrop crop) {
        return DeadLetters.sha256(crop.pixels());
    }

    /** The cache key of an example's embedding: model id, SOH (prompts have NUL there), the pixels' hash in hex. */
    static String cacheKey(String modelId, byte[] hash) {
        return modelId + "\u0001" + HexFormat.of().formatHex(hash);
    }
}
