package io.clipstream.model.config;

import io.clipstream.model.image.PreprocessConfig;

/**
 * Everything that shapes the model: the two towers, the shared embedding width and the image
 * preprocessing. Read by {@link ModelDirectory} from open_clip's {@code open_clip_config.json} and the
 * text tower's {@code config.json}; the real model's values apply where those files are absent.
 *
 * @param embedDim   joint embedding width (512)
 * @param quickGelu  QuickGELU {@code x·σ(1.702x)} in the vision MLP (true for this model)
 */
public record ClipConfig(
        int embedDim, boolean quickGelu, VisionConfig vision, TextConfig text, PreprocessConfig preprocess) {

    /** OpenCLIP roberta-ViT-B-32, laion2b_s12b_b32k. */
    public static ClipConfig robertaVitB32() {
        return new ClipConfig(
                512,
                true,
                VisionConfig.VIT_B_32,
                TextConfig.ROBERTA_BASE,
                PreprocessConfig.openClipDefault(VisionConfig.VIT_B_32.imageSize()));
    }

    /** Hidden width of the text projection MLP, as open_clip computes it: (d_model + embed_dim) / 2. */
    public int textProjectionHidden() {
        return (text.hidden() + embedDim) / 2;
    }
}
