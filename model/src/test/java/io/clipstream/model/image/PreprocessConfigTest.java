package io.clipstream.model.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class PreprocessConfigTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void openClipDefaultIsOpenAiNormalisationWithBicubicShortestSide() {
        PreprocessConfig c = PreprocessConfig.openClipDefault(224);

        assertThat(c.imageSize()).isEqualTo(224);
        assertThat(c.mean()).containsExactly((float) 0.48145466, (float) 0.4578275, (float) 0.40821073);
        assertThat(c.std()).containsExactly((float) 0.26862954, (float) 0.26130258, (float) 0.27577711);
        assertThat(c.interpolation()).isEqualTo("bicubic");
        assertThat(c.resizeMode()).isEqualTo("shortest");
        assertThat(c.filter()).isEqualTo(PillowResample.Filter.BICUBIC);
    }

    @Test
    void readsOpenClipConfigJson() throws Exception {
        JsonNode cfg = JSON.readTree("""
                {"size": [256, 256], "mode": "RGB", "mean": [0.5, 0.5, 0.5], "std": [0.25, 0.5, 1.0],
                 "interpolation": "bilinear", "resize_mode": "squash", "fill_color": 0}""");

        PreprocessConfig c = PreprocessConfig.fromOpenClipJson(cfg, 224);

        assertThat(c)
                .isEqualTo(new PreprocessConfig(
                        256, new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.25f, 0.5f, 1.0f}, "bilinear", "squash"));
        assertThat(c.filter()).isEqualTo(PillowResample.Filter.BILINEAR);
    }

    @Test
    void missingKeysKeepOpenClipDefaults() throws Exception {
        assertThat(PreprocessConfig.fromOpenClipJson(JSON.readTree("{}"), 224))
                .isEqualTo(PreprocessConfig.openClipDefault(224));
        assertThat(PreprocessConfig.fromOpenClipJson(null, 224)).isEqualTo(PreprocessConfig.openClipDefault(224));
        assertThat(PreprocessConfig.fromOpenClipJson(JSON.readTree("{\"size\": 336}"), 224)
                        .imageSize())
                .isEqualTo(336);
    }

    @Test
    void refusesWhatItCannotHonour() throws Exception {
        assertThatThrownBy(() -> PreprocessConfig.fromOpenClipJson(JSON.readTree("{\"size\": [224, 256]}"), 224))
                .hasMessageContaining("square");
        assertThatThrownBy(
                        () -> PreprocessConfig.fromOpenClipJson(JSON.readTree("{\"interpolation\": \"lanczos\"}"), 224))
                .hasMessageContaining("interpolation");
        assertThatThrownBy(
                        () -> PreprocessConfig.fromOpenClipJson(JSON.readTree("{\"resize_mode\": \"longest\"}"), 224))
                .hasMessageContaining("resizeMode");
        assertThatThrownBy(() -> PreprocessConfig.fromOpenClipJson(JSON.readTree("{\"mean\": [0.5, 0.5]}"), 224))
                .hasMessageContaining("3 numbers");
        assertThatThrownBy(() -> PreprocessConfig.openClipDefault(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PreprocessConfig(224, new float[3], new float[] {1, 0, 1}, "bicubic", "shortest"))
                .hasMessageContaining("std");
    }

    @Test
    void arraysCannotBeChangedFromOutside() {
        float[] mean = {0.1f, 0.2f, 0.3f};
        PreprocessConfig c = new PreprocessConfig(224, mean, new float[] {1, 1, 1}, "bicubic", "shortest");
        mean[0] = 9;
        c.mean()[1] = 9;
        assertThat(c.mean()).containsExactly(0.1f, 0.2f, 0.3f);
    }
}
