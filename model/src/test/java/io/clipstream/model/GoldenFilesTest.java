package io.clipstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GoldenFilesTest {

    @Test
    void goldenFilesHaveTheShapesGoldenJsonGives() {
        assertThat(GoldenFiles.goldenShape("images.f32")).containsExactly(3, 3, 64, 64);
        assertThat(GoldenFiles.golden("images.f32")).hasSize(3 * 3 * 64 * 64);
        assertThat(GoldenFiles.golden("image_embeddings.f32")).hasSize(3 * 32);
        assertThat(GoldenFiles.golden("image_pooled.f32")).hasSize(3 * 128);
        int rows = GoldenFiles.textIds().length;
        assertThat(GoldenFiles.golden("text_embeddings.f32")).hasSize(rows * 32);
        assertThat(GoldenFiles.golden("text_last_hidden_state.f32")).hasSize(rows * 77 * 64);
        assertThatThrownBy(() -> GoldenFiles.goldenShape("nope.f32")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void textIdsArePaddedRowsOfRealLengths() {
        int[][] ids = GoldenFiles.textIds();
        var lengths = GoldenFiles.json(GoldenFiles.goldenDir().resolve("text_ids.json"))
                .path("lengths");
        assertThat(ids.length).isEqualTo(lengths.size());
        for (int r = 0; r < ids.length; r++) {
            int n = lengths.get(r).asInt();
            assertThat(ids[r]).hasSize(77);
            assertThat(ids[r][0]).isZero();
            assertThat(ids[r][n - 1]).isEqualTo(2);
            for (int c = n; c < 77; c++) assertThat(ids[r][c]).isEqualTo(1);
        }
        assertThat(lengths.toString()).contains("3").contains("77");
    }

    @Test
    void foldersExist() {
        assertThat(GoldenFiles.tinyModelDir().resolve("open_clip_pytorch_model.bin"))
                .exists();
        assertThat(GoldenFiles.checkpointsDir().resolve("open_clip_model.safetensors"))
                .exists();
    }
}
