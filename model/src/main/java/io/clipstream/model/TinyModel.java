package io.clipstream.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clipstream.model.checkpoint.DType;
import io.clipstream.model.checkpoint.SafetensorsWriter;
import io.clipstream.model.config.ClipConfig;
import io.clipstream.model.config.ModelDirectory;
import io.clipstream.model.config.TextConfig;
import io.clipstream.model.config.VisionConfig;
import io.clipstream.model.image.PreprocessConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A tiny random-weight roberta-ViT-B-32 (2 layers per tower, real 224-pixel preprocessing, the 1000-id
 * test tokenizer) written in the real on-disk format: safetensors weights, {@code open_clip_config.json},
 * {@code config.json}, {@code tokenizer.json}. It runs the whole pipeline where the real weights cannot be
 * downloaded; its outputs are meaningless. {@link #writeFullSize} writes the real architecture's shapes the same
 * way (random weights, same tokenizer), for benchmarks that start the service as its own process.
 */
public final class TinyModel {
    public static final ClipConfig CONFIG = new ClipConfig(
            32,
            true,
            new VisionConfig(224, 32, 128, 2, 64),
            new TextConfig(1000, 80, 1, 64, 2, 4, 128, 1e-5, 1, 77),
            PreprocessConfig.openClipDefault(224));
    private static final ObjectMapper JSON = new ObjectMapper();

    private TinyModel() {}

    public static Path write(Path dir, long seed) throws IOException {
        return write(dir, CONFIG, seed);
    }

    /** roberta-ViT-B-32's full shapes (0.85 GB of float32 weights) with random weights, in the same format. */
    public static Path writeFullSize(Path dir, long seed) throws IOException {
        return write(dir, ClipConfig.robertaVitB32(), seed);
    }

    private static Path write(Path dir, ClipConfig config, long seed) throws IOException {
        Files.createDirectories(dir);
        SafetensorsWriter.write(
                dir.resolve(ModelDirectory.SAFETENSORS_WEIGHTS), RandomWeights.generate(config, seed), DType.F32);
        JSON.writerWithDefaultPrettyPrinter()
                .writeValue(dir.resolve(ModelDirectory.OPEN_CLIP_CONFIG).toFile(), openClipConfig(config));
        JSON.writerWithDefaultPrettyPrinter()
                .writeValue(dir.resolve(ModelDirectory.TEXT_CONFIG).toFile(), textConfig(config));
        try (InputStream in = TinyModel.class.getResourceAsStream("/io/clipstream/model/tiny/tokenizer.json")) {
            if (in == null) {
                throw new IOException("the tiny tokenizer resource is missing from the class path");
            }
            Files.copy(in, dir.resolve("tokenizer.json"), StandardCopyOption.REPLACE_EXISTING);
        }
        return dir;
    }

    private static ObjectNode openClipConfig(ClipConfig config) {
        VisionConfig v = config.vision();
        ObjectNode root = JSON.createObjectNode();
        ObjectNode model = root.putObject("model_cfg");
        model.put("embed_dim", config.embedDim()).put("quick_gelu", config.quickGelu());
        model.putObject("vision_cfg")
                .put("image_size", v.imageSize())
                .put("layers", v.layers())
                .put("width", v.width())
                .put("patch_size", v.patchSize())
                .put("head_width", v.headWidth());
        model.putObject("text_cfg")
                .put("hf_model_name", "roberta-base")
                .put("hf_tokenizer_name", "roberta-base")
                .put("hf_pooler_type", "mean_pooler")
                .put("hf_proj_type", "mlp")
                .put("context_length", config.text().contextLength());
        ObjectNode pre = root.putObject("preprocess_cfg");
        PreprocessConfig p = config.preprocess();
        ArrayNode mean = pre.putArray("mean");
        ArrayNode std = pre.putArray("std");
        for (int c = 0; c < 3; c++) {
            mean.add(p.mean()[c]);
            std.add(p.std()[c]);
        }
        pre.put("interpolation", p.interpolation()).put("resize_mode", p.resizeMode());
        return root;
    }

    private static ObjectNode textConfig(ClipConfig config) {
        TextConfig t = config.text();
        return JSON.createObjectNode()
                .put("model_type", "roberta")
                .put("vocab_size", t.vocabSize())
                .put("max_position_embeddings", t.maxPositions())
                .put("type_vocab_size", t.typeVocabSize())
                .put("hidden_size", t.hidden())
                .put("num_hidden_layers", t.layers())
                .put("num_attention_heads", t.heads())
                .put("intermediate_size", t.intermediate())
                .put("hidden_act", "gelu")
                .put("layer_norm_eps", t.layerNormEps())
                .put("pad_token_id", t.padId())
                .put("bos_token_id", 0)
                .put("eos_token_id", 2);
    }
}
