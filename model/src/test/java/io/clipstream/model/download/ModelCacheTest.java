package io.clipstream.model.download;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelCacheTest {
    @Test
    void clipstreamCacheWinsThenXdgThenHome() {
        assertThat(ModelCache.cacheRoot(Map.of("CLIPSTREAM_CACHE", "/data/cs", "XDG_CACHE_HOME", "/xdg"), "/home/u"))
                .isEqualTo(Path.of("/data/cs"));
        assertThat(ModelCache.cacheRoot(Map.of("XDG_CACHE_HOME", "/xdg"), "/home/u"))
                .isEqualTo(Path.of("/xdg/clipstream"));
        assertThat(ModelCache.cacheRoot(Map.of(), "/home/u")).isEqualTo(Path.of("/home/u/.cache/clipstream"));
    }

    @Test
    void ignoresARelativeXdgCacheHomeAsTheSpecSays() {
        assertThat(ModelCache.cacheRoot(Map.of("XDG_CACHE_HOME", "cache"), "/home/u"))
                .isEqualTo(Path.of("/home/u/.cache/clipstream"));
    }

    @Test
    void eachModelHasItsOwnFolder() {
        assertThat(ModelCache.modelDir(ModelFiles.ROBERTA_VIT_B_32, Map.of(), "/home/u"))
                .isEqualTo(Path.of("/home/u/.cache/clipstream/roberta-ViT-B-32-laion2b_s12b_b32k"));
        assertThat(ModelCache.defaultModelDir().getFileName()).hasToString("roberta-ViT-B-32-laion2b_s12b_b32k");
    }
}
