package io.clipstream.model.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clipstream.model.GoldenFiles;
import io.clipstream.model.checkpoint.StateDict;
import io.clipstream.model.config.ClipConfig;
import io.clipstream.model.config.ModelDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The towers come from the model config: the supported kinds build, any other fails naming the supported ones. */
class TowerFactoryTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void theRealModelsTowersAreAVitAndRobertaBase() {
        ClipConfig real = ClipConfig.robertaVitB32();
        assertThat(TowerFactory.vision(real)).isSameAs(VisionTower.TYPE);
        assertThat(TowerFactory.text(real)).isSameAs(TextTower.TYPE);
    }

    @Test
    void theSupportedTowersBuildFromTheConfigFiles() throws IOException {
        ModelDirectory tiny = new ModelDirectory(GoldenFiles.tinyModelDir());
        ClipConfig config = tiny.config();
        assertThat(config.visionTower()).isEqualTo(ClipConfig.VIT);
        assertThat(config.textTower()).isEqualTo(ClipConfig.HF_ROBERTA);

        ClipGraph graph = ClipGraph.build(config, StateDict.read(tiny.weights()));
        assertThat(graph.encodeTexts(new int[][] {{0, 5, 2}})[0]).hasSize(config.embedDim());
    }

    @Test
    void anotherHuggingFaceTextModelIsRefusedNamingTheSupportedOne() throws IOException {
        ClipConfig config = configWith(text -> text.put("hf_model_name", "bert-base-uncased"));
        assertThat(config.textTower()).isEqualTo(ClipConfig.hfText("bert-base-uncased", "mean_pooler", "mlp"));

        assertThatThrownBy(() -> TowerFactory.text(config))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("text tower is \"hf_model_name=bert-base-uncased")
                .hasMessageContaining("supported text towers: " + ClipConfig.HF_ROBERTA);
        assertThatThrownBy(() -> ClipGraph.build(config, StateDict.read(new ModelDirectory(dir).weights())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("supported text towers");
    }

    @Test
    void anotherPoolerOrOpenClipsOwnTextTransformerIsRefused() throws IOException {
        ClipConfig cls = configWith(text -> text.put("hf_pooler_type", "cls_pooler"));
        assertThatThrownBy(() -> TowerFactory.text(cls)).hasMessageContaining("hf_pooler_type=cls_pooler");

        ClipConfig own = configWith(text -> text.remove("hf_model_name"));
        assertThat(own.textTower()).isEqualTo("TextTransformer");
        assertThatThrownBy(() -> TowerFactory.text(own)).hasMessageContaining("\"TextTransformer\"");
    }

    @Test
    void aTimmVisionTowerIsRefusedNamingTheSupportedOne() throws IOException {
        copyTinyModel();
        ObjectNode root = (ObjectNode)
                JSON.readTree(dir.resolve(ModelDirectory.OPEN_CLIP_CONFIG).toFile());
        ((ObjectNode) root.path("model_cfg").path("vision_cfg")).put("timm_model_name", "convnext_base");
        JSON.writeValue(dir.resolve(ModelDirectory.OPEN_CLIP_CONFIG).toFile(), root);
        ClipConfig config = new ModelDirectory(dir).config();

        assertThatThrownBy(() -> TowerFactory.vision(config))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the model's vision tower is \"timm_model_name=convnext_base\", which is not supported;"
                        + " supported vision towers: " + ClipConfig.VIT);
    }

    /** The tiny model with its {@code text_cfg} changed by {@code change}. */
    private ClipConfig configWith(Consumer<ObjectNode> change) throws IOException {
        copyTinyModel();
        Path file = dir.resolve(ModelDirectory.OPEN_CLIP_CONFIG);
        ObjectNode root = (ObjectNode) JSON.readTree(file.toFile());
        change.accept((ObjectNode) root.path("model_cfg").path("text_cfg"));
        JSON.writeValue(file.toFile(), root);
        return new ModelDirectory(dir).config();
    }

    private void copyTinyModel() throws IOException {
        Path tiny = GoldenFiles.tinyModelDir();
        try (var files = Files.list(tiny)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(f) && !Files.exists(dir.resolve(f.getFileName()))) {
                    Files.copy(f, dir.resolve(f.getFileName()));
                }
            }
        }
    }
}
