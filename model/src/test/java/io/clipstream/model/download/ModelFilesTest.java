package io.clipstream.model.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ModelFilesTest {
    @Test
    void robertaVitB32TakesWeightsFromLaionAndTheTokenizerFromRobertaBase() {
        assertThat(ModelFiles.ROBERTA_VIT_B_32.files())
                .extracting(f -> f.repo() + "/" + f.name())
                .containsExactly(
                        "laion/CLIP-ViT-B-32-roberta-base-laion2B-s12B-b32k/open_clip_pytorch_model.bin",
                        "FacebookAI/roberta-base/tokenizer.json",
                        "FacebookAI/roberta-base/vocab.json",
                        "FacebookAI/roberta-base/merges.txt",
                        "FacebookAI/roberta-base/config.json");
        // The 851 MB checkpoint must fit under its limit.
        assertThat(ModelFiles.ROBERTA_VIT_B_32.files().get(0).maxBytes()).isGreaterThan(851_000_000L);
    }

    @Test
    void rejectsTwoFilesWithOneLocalNameAndBadFolders() {
        RepoFile a = new RepoFile("a/b", "config.json", 10);
        RepoFile b = new RepoFile("c/d", "config.json", 10);
        assertThatThrownBy(() -> new ModelFiles("m", List.of(a, b))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ModelFiles("..", List.of(a))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ModelFiles("m", List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
