package io.clipstream.model.image;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.Locale;

/**
 * How open_clip prepares an image for the vision tower: output size, normalisation, resize filter and mode.
 *
 * <p>Mirrors open_clip's {@code PreprocessCfg} so a checkpoint's {@code open_clip_config.json} can override the
 * defaults. Arrays are copied in and out.
 *
 * @param imageSize side of the square crop fed to the tower (224 for ViT-B/32)
 * @param mean per-channel mean (R, G, B) subtracted after scaling to 0..1
 * @param std per-channel standard deviation (R, G, B) divided by after that
 * @param interpolation "bicubic" (open_clip's default) or "bilinear"
 * @param resizeMode "shortest" (open_clip's default: resize the short side, centre crop) or "squash"
 *                   (resize to a square, ignoring the aspect ratio)
 */
public record PreprocessConfig(int imageSize, float[] mean, float[] std, String interpolation, String resizeMode) {

    /**
     * OpenAI CLIP's normalisation, used by open_clip for this model (docs/model.md#preprocessing). Rounded decimal → double →
     * float like torch.as_tensor(..., dtype=float32) does, not decimal → float directly.
     */
    private static final float[] OPENAI_MEAN = {(float) 0.48145466, (float) 0.4578275, (float) 0.40821073};

    private static final float[] OPENAI_STD = {(float) 0.26862954, (float) 0.26130258, (float) 0.27577711};

    public PreprocessConfig {
        if (imageSize <= 0 || imageSize > 4096) {
            throw new IllegalArgumentException("imageSize must be in 1..4096, got " + imageSize);
        }
        mean = checkTriple("mean", mean);
        std = checkTriple("std", std);
        for (float s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("std must be positive, got " + Arrays.toString(std));
            }
        }
        interpolation = interpolation.toLowerCase(Locale.ROOT);
        if (!interpolation.equals("bicubic") && !interpolation.equals("bilinear")) {
            throw new IllegalArgumentException("interpolation must be bicubic or bilinear, got " + interpolation);
        }
        resizeMode = resizeMode.toLowerCase(Locale.ROOT);
        if (!resizeMode.equals("shortest") && !resizeMode.equals("squash")) {
            throw new IllegalArgumentException("resizeMode must be shortest or squash, got " + resizeMode);
        }
    }

    /** open_clip's defaults for an image size: OpenAI mean/std, bicubic, shortest side. */
    public static PreprocessConfig openClipDefault(int imageSize) {
        return new PreprocessConfig(imageSize, OPENAI_MEAN, OPENAI_STD, "bicubic", "shortest");
    }

    /**
     * Reads {@code preprocess_cfg} of an {@code open_clip_config.json}; absent keys keep open_clip's defaults.
     * A {@code size} in the JSON wins over {@code imageSize} (the model config's image size); a [h, w] pair
     * must be square.
     */
    public static PreprocessConfig fromOpenClipJson(JsonNode preprocessCfg, int imageSize) {
        PreprocessConfig d = openClipDefault(imageSize);
        if (preprocessCfg == null || preprocessCfg.isNull() || preprocessCfg.isMissingNode()) {
            return d;
        }
        if (!preprocessCfg.isObject()) {
            throw new IllegalArgumentException("preprocess_cfg must be a JSON object");
        }
        int size = imageSize;
        JsonNode sizeNode = preprocessCfg.path("size");
        if (sizeNode.isInt()) {
            size = sizeNode.intValue();
        } else if (sizeNode.isArray()) {
            if (sizeNode.size() != 2
                    || sizeNode.get(0).intValue() != sizeNode.get(1).intValue()) {
                throw new IllegalArgumentException("only square image sizes are supported, got " + sizeNode);
            }
            size = sizeNode.get(0).intValue();
        }
        return new PreprocessConfig(
                size,
                triple(preprocessCfg.path("mean"), d.mean()),
                triple(preprocessCfg.path("std"), d.std()),
                preprocessCfg.path("interpolation").asText(d.interpolation()),
                preprocessCfg.path("resize_mode").asText(d.resizeMode()));
    }

    /** The resize filter as {@link PillowResample} names it. */
    public PillowResample.Filter filter() {
        return interpolation.equals("bilinear") ? PillowResample.Filter.BILINEAR : PillowResample.Filter.BICUBIC;
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PreprocessConfig p
                && imageSize == p.imageSize
                && Arrays.equals(mean, p.mean)
                && Arrays.equals(std, p.std)
                && interpolation.equals(p.interpolation)
                && resizeMode.equals(p.resizeMode);
    }

    @Override
    public int hashCode() {
        return ((imageSize * 31 + Arrays.hashCode(mean)) * 31 + Arrays.hashCode(std)) * 31
                + interpolation.hashCode() * 17
                + resizeMode.hashCode();
    }

    @Override
    public String toString() {
        return "PreprocessConfig[imageSize=" + imageSize + ", mean=" + Arrays.toString(mean) + ", std="
                + Arrays.toString(std) + ", interpolation=" + interpolation + ", resizeMode=" + resizeMode + "]";
    }

    private static float[] checkTriple(String name, float[] v) {
        if (v == null || v.length != 3) {
            throw new IllegalArgumentException(name + " needs 3 values (R, G, B)");
        }
        return v.clone();
    }

    private static float[] triple(JsonNode node, float[] fallback) {
        if (node.isMissingNode() || node.isNull()) {
            return fallback;
        }
        if (node.isNumber()) { // open_clip accepts one number for all channels
            float v = node.floatValue();
            return new float[] {v, v, v};
        }
        if (!node.isArray() || node.size() != 3) {
            throw new IllegalArgumentException("expected 3 numbers, got " + node);
        }
        float[] out = new float[3];
        for (int i = 0; i < 3; i++) {
            if (!node.get(i).isNumber()) {
                throw new IllegalArgumentException("expected a number, got " + node.get(i));
            }
            out[i] = node.get(i).floatValue();
        }
        return out;
    }
}
