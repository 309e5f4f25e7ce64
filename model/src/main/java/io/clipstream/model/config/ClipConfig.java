package io.clipstream.model.config;

import io.clipstream.model.image.PreprocessConfig;

/**
 * Everything that shapes the model: the two towers, the shared embedding width and the image
 * preprocessing. Read by {@link ModelDirectory} from open_clip's {@code open_clip_config.json} and the
 * text tower's {@code config.json}; the real model's values apply where those files are absent.
 *
 * @param embedDim    joint embedding width (512)
 * @param quickGelu   QuickGELU {@code x·σ(1.702x)} in the vision MLP (true for this model)
 * @param visionTower which image tower {@code vision_cfg} names ({@link #VIT}); the graph's {@code TowerFactory}
 *                    picks its implementation
 * @param textTower   which text tower {@code text_cfg} names ({@link #HF_ROBERTA}), picked the same way
 */
public record ClipConfig(
        int embedDim,
        boolean quickGelu,
        VisionConfig vision,
        TextConfig text,
        PreprocessConfig preprocess,
        String visionTower,
        String textTower) {

    /** open_clip's VisionTransformer: a {@code vision_cfg} with no {@code timm_model_name} and a layer count. */
    public static final String VIT = "VisionTransformer";
    /** open_clip's HFTextEncoder over roberta-base, mean-pooled, with the MLP projection. */
    public static final String HF_ROBERTA = hfText("roberta-base", "mean_pooler", "mlp");

    /** The real model's towers: a ViT and roberta-base. */
    public ClipConfig(
            int embedDim, boolean quickGelu, VisionConfig vision, TextConfig text, PreprocessConfig preprocess) {
        this(embedDim, quickGelu, vision, text, preprocess, VIT, HF_ROBERTA);
    }

    /** OpenCLIP roberta-ViT-B-32, laion2b_s12b_b32k. */
    public static ClipConfig robertaVitB32() {
        return new ClipConfig(
                512,
                true,
                VisionConfig.VIT_B_32,
                TextConfig.ROBERTA_BASE,
                PreprocessConfig.openClipDefault(VisionConfig.VIT_B_32.imageSize()));
    }

    /** The kind of an open_clip HFTextEncoder: the Hugging Face model, its pooler and its projection. */
    public static String hfText(String model, String pooler, String projection) {
        return "hf_model_name=" + model + " hf_pooler_type=" + pooler + " hf_proj_type=" + projection;
    }

    /** Hidden width of the text projection MLP, as open_clip computes it: (d_model + embed_dim) / 2. */
    public int textProjectionHidden() {
        return (text.hidden() + embedDim) / 2;
    }
}
