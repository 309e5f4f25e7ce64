package io.clipstream.model.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clipstream.model.image.PreprocessConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A folder holding one model as users download it: the weights ({@code open_clip_pytorch_model.bin} or
 * {@code open_clip_model.safetensors}), optionally open_clip's {@code open_clip_config.json} and the text
 * tower's {@code config.json} (the real model's values apply when they are absent), and the tokenizer
 * ({@code tokenizer.json} or {@code vocab.json} + {@code merges.txt}).
 */
public record ModelDirectory(Path root) {
    public static final String PYTORCH_WEIGHTS = "open_clip_pytorch_model.bin";
    public static final String SAFETENSORS_WEIGHTS = "open_clip_model.safetensors";
    public static final String OPEN_CLIP_CONFIG = "open_clip_config.json";
    public static final String TEXT_CONFIG = "config.json";
    private static final long MAX_CONFIG_BYTES = 1 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The weights file: safetensors when present (faster, no pickle), else the PyTorch checkpoint. */
    public Path weights() throws IOException {
        Path safetensors = root.resolve(SAFETENSORS_WEIGHTS);
        if (Files.isRegularFile(safetensors)) {
            return safetensors;
        }
        Path bin = root.resolve(PYTORCH_WEIGHTS);
        if (Files.isRegularFile(bin)) {
            return bin;
        }
        if (!Files.isDirectory(root)) {
            throw new NoSuchFileException(root.toString(), null, "model directory does not exist");
        }
        throw new NoSuchFileException(
                root.toString(),
                null,
                "no weights: expected " + PYTORCH_WEIGHTS + " or " + SAFETENSORS_WEIGHTS
                        + " (run `clipstream download`)");
    }

    /** The model's hyper-parameters from the config files, defaulting to the real roberta-ViT-B-32. */
    public ClipConfig config() throws IOException {
        ClipConfig real = ClipConfig.robertaVitB32();
        JsonNode openClip = readJson(OPEN_CLIP_CONFIG);
        JsonNode model = openClip.path("model_cfg");
        JsonNode visionCfg = model.path("vision_cfg");
        JsonNode textCfg = model.path("text_cfg");
        VisionConfig v = real.vision();
        VisionConfig vision = new VisionConfig(
                visionCfg.path("image_size").asInt(v.imageSize()),
                visionCfg.path("patch_size").asInt(v.patchSize()),
                visionCfg.path("width").asInt(v.width()),
                visionCfg.path("layers").asInt(v.layers()),
                visionCfg.path("head_width").asInt(v.headWidth()));
        TextConfig t = real.text();
        JsonNode hf = readJson(TEXT_CONFIG);
        if (!hf.path("hidden_act").asText("gelu").equals("gelu")) {
            throw new IOException(
                    TEXT_CONFIG + ": hidden_act " + hf.path("hidden_act").asText() + " is not supported (gelu only)");
        }
        TextConfig text = new TextConfig(
                hf.path("vocab_size").asInt(t.vocabSize()),
                hf.path("max_position_embeddings").asInt(t.maxPositions()),
                hf.path("type_vocab_size").asInt(t.typeVocabSize()),
                hf.path("hidden_size").asInt(t.hidden()),
                hf.path("num_hidden_layers").asInt(t.layers()),
                hf.path("num_attention_heads").asInt(t.heads()),
                hf.path("intermediate_size").asInt(t.intermediate()),
                hf.path("layer_norm_eps").asDouble(t.layerNormEps()),
                hf.path("pad_token_id").asInt(t.padId()),
                textCfg.path("context_length").asInt(t.contextLength()));
        PreprocessConfig preprocess = openClip.has("preprocess_cfg")
                ? PreprocessConfig.fromOpenClipJson(openClip.get("preprocess_cfg"), vision.imageSize())
                : PreprocessConfig.openClipDefault(vision.imageSize());
        return new ClipConfig(
                model.path("embed_dim").asInt(real.embedDim()),
                model.path("quick_gelu").asBoolean(real.quickGelu()),
                vision,
                text,
                preprocess,
                visionTower(visionCfg),
                textTower(textCfg));
    }

    /**
     * The image tower {@code vision_cfg} names, decided as open_clip's factory decides it: a timm model by its name,
     * a list of layer counts for the modified ResNet, else the VisionTransformer.
     */
    static String visionTower(JsonNode visionCfg) {
        if (visionCfg.hasNonNull("timm_model_name")) {
            return "timm_model_name=" + visionCfg.get("timm_model_name").asText();
        }
        return visionCfg.path("layers").isArray() ? "ModifiedResNet" : ClipConfig.VIT;
    }

    /**
     * The text tower {@code text_cfg} names: a Hugging Face model with its pooler and projection (open_clip's
     * defaults: mean_pooler, mlp), else open_clip's own TextTransformer. No file: the real model's roberta-base.
     */
    static String textTower(JsonNode textCfg) {
        if (textCfg.isMissingNode()) {
            return ClipConfig.HF_ROBERTA;
        }
        if (!textCfg.hasNonNull("hf_model_name")) {
            return "TextTransformer";
        }
        return ClipConfig.hfText(
                textCfg.get("hf_model_name").asText(),
                textCfg.path("hf_pooler_type").asText("mean_pooler"),
                textCfg.path("hf_proj_type").asText("mlp"));
    }

    private JsonNode readJson(String name) throws IOException {
        Path file = root.resolve(name);
        if (!Files.isRegularFile(file)) {
            return JSON.missingNode();
        }
        if (Files.size(file) > MAX_CONFIG_BYTES) {
            throw new IOException(file + ": larger than " + MAX_CONFIG_BYTES + " bytes, not a config file");
        }
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException(file + ": not valid JSON: " + e.getMessage(), e);
        }
    }
}
