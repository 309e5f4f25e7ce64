package io.clipstream.model.config;

/**
 * Hyper-parameters of open_clip's ViT image tower ({@code model_cfg.vision_cfg}).
 *
 * @param imageSize  input side in pixels (224 for ViT-B/32)
 * @param patchSize  patch side in pixels (32)
 * @param width      transformer width (768)
 * @param layers     residual blocks (12)
 * @param headWidth  features per attention head (64); heads = width / headWidth
 */
public record VisionConfig(int imageSize, int patchSize, int width, int layers, int headWidth) {

    /** The real roberta-ViT-B-32 vision tower. */
    public static final VisionConfig VIT_B_32 = new VisionConfig(224, 32, 768, 12, 64);

    public VisionConfig {
        require(
                imageSize > 0 && patchSize > 0 && imageSize % patchSize == 0,
                "image_size must be a multiple of patch_size");
        require(width > 0 && headWidth > 0 && width % headWidth == 0, "width must be a multiple of head_width");
        require(layers > 0, "layers must be positive");
    }

    public int heads() {
        return width / headWidth;
    }

    /** Patches per side. */
    public int grid() {
        return imageSize / patchSize;
    }

    /** Tokens per image: one class token plus one per patch. */
    public int tokens() {
        return grid() * grid() + 1;
    }

    static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
