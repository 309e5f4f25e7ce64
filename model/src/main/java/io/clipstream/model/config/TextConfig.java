package io.clipstream.model.config;

/**
 * Hyper-parameters of the Hugging Face RoBERTa text tower ({@code config.json} of roberta-base) and
 * open_clip's pooling and projection around it.
 *
 * @param vocabSize           token vocabulary (50265)
 * @param maxPositions        rows of the position table (514: positions 2..513 for real tokens, 1 for pads)
 * @param typeVocabSize       token-type rows (1)
 * @param hidden              width (768)
 * @param layers              encoder layers (12)
 * @param heads               attention heads (12)
 * @param intermediate        feed-forward width (3072)
 * @param layerNormEps        LayerNorm epsilon (1e-5 for roberta-base, not BERT's 1e-12)
 * @param padId               padding token id (1); positions count from padId + 1
 * @param contextLength       tokenizer context length (77)
 */
public record TextConfig(
        int vocabSize,
        int maxPositions,
        int typeVocabSize,
        int hidden,
        int layers,
        int heads,
        int intermediate,
        double layerNormEps,
        int padId,
        int contextLength) {

    /** roberta-base as open_clip's roberta-ViT-B-32 uses it. */
    public static final TextConfig ROBERTA_BASE = new TextConfig(50265, 514, 1, 768, 12, 12, 3072, 1e-5, 1, 77);

    public TextConfig {
        VisionConfig.require(
                hidden > 0 && heads > 0 && hidden % heads == 0,
                "hidden_size must be a multiple of num_attention_heads");
        VisionConfig.require(
                layers > 0 && intermediate > 0 && vocabSize > 0,
                "layers, intermediate_size and vocab_size must be positive");
        VisionConfig.require(
                maxPositions >= contextLength + padId + 1, "max_position_embeddings too small for the context length");
        VisionConfig.require(layerNormEps > 0, "layer_norm_eps must be positive");
    }

    public int headWidth() {
        return hidden / heads;
    }
}
