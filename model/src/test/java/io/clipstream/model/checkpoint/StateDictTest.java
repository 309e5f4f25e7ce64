package io.clipstream.model.checkpoint;

import static io.clipstream.model.GoldenFiles.checkpointsDir;
import static io.clipstream.model.GoldenFiles.json;
import static io.clipstream.model.GoldenFiles.readFloats;
import static io.clipstream.model.GoldenFiles.tinyModelDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class StateDictTest {
    /** The F32 weights written by torch.save: the reference for every other layout. */
    private static Map<String, Tensor> reference;

    @TempDir
    Path tmp;

    @BeforeAll
    static void readReference() throws IOException {
        reference = all(StateDict.read(tinyModelDir().resolve("open_clip_pytorch_model.bin")));
    }

    @Test
    void readsEveryFloatTensorOfTheTinyModelAndDropsTheInt64Buffer() {
        assertThat(reference)
                .hasSize(72)
                .containsKeys("visual.transformer.resblocks.1.attn.in_proj_weight", "text.proj.2.weight", "logit_scale")
                .doesNotContainKey("text.transformer.embeddings.position_ids");
        assertThat(reference
                        .get("visual.transformer.resblocks.0.attn.in_proj_weight")
                        .shape())
                .containsExactly(384, 128);
        assertThat(reference.get("visual.proj").shape()).containsExactly(128, 32);
        assertThat(reference.get("logit_scale").shape()).isEmpty();
        assertThat(reference.get("logit_scale").data()[0]).isEqualTo((float) Math.log(100.0));
    }

    @Test
    void safetensorsF32HoldsIdenticalTensors() throws IOException {
        assertThat(all(StateDict.read(checkpointsDir().resolve("open_clip_model.safetensors"))))
                .isEqualTo(reference);
    }

    @ParameterizedTest
    @ValueSource(strings = {"other_stem.pt", "wrapped_module.bin", "non_contiguous.bin"})
    void otherZipLayoutsHoldIdenticalTensors(String file) throws IOException {
        Map<String, Tensor> read = all(StateDict.read(checkpointsDir().resolve(file)));
        assertThat(read).isNotEmpty();
        read.forEach((key, t) -> assertThat(t).as(key).isEqualTo(reference.get(key)));
    }

    @Test
    void wrappedVariantLosesTheModulePrefix() throws IOException {
        assertThat(StateDict.read(checkpointsDir().resolve("wrapped_module.bin"))
                        .keys())
                .contains("text.proj.0.weight", "logit_scale")
                .noneMatch(k -> k.startsWith("module."));
    }

    @ParameterizedTest
    @CsvSource({
        "open_clip_model_f16.safetensors, F16, 11, 0x1p-24",
        "open_clip_model_bf16.safetensors, BF16, 8, 0x1p-133"
    })
    void halfPrecisionSafetensorsAreTheReferenceRounded(String file, String dtype, int mantissaBits, float subnormalUlp)
            throws IOException {
        Map<String, Tensor> read = all(StateDict.read(checkpointsDir().resolve(file)));
        assertThat(read.keySet()).isEqualTo(reference.keySet());
        read.forEach((key, t) -> {
            float[] exact = reference.get(key).data();
            for (int i = 0; i < exact.length; i++) { // round to nearest: within half an ulp of the format
                float halfUlp = Math.max(Math.abs(exact[i]) * (float) Math.pow(2, -mantissaBits), subnormalUlp / 2);
                assertThat(Math.abs(t.data()[i] - exact[i])).as(key).isLessThanOrEqualTo(halfUlp);
            }
        });
        assertThat(concat(read, roundedKeys())).isEqualTo(torchRounded(dtype));
    }

    @Test
    void takeChecksTheShapeAndRemovesTheTensor() throws IOException {
        StateDict dict = StateDict.read(tinyModelDir().resolve("open_clip_pytorch_model.bin"));
        assertThat(dict.shape("visual.proj"))
                .hasValueSatisfying(s -> assertThat(s).containsExactly(128, 32));
        assertThatThrownBy(() -> dict.take("visual.proj", 32, 128))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("'visual.proj'")
                .hasMessageContaining("[128, 32]")
                .hasMessageContaining("[32, 128]");
        assertThat(dict.take("visual.proj", 128, 32)).isEqualTo(reference.get("visual.proj"));
        assertThat(dict.keys()).hasSize(71).doesNotContain("visual.proj");
        assertThat(dict.shape("visual.proj")).isEmpty();
        assertThatThrownBy(() -> dict.take("visual.proj", 128, 32))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("missing tensor 'visual.proj'");
    }

    @Test
    void requireAllTakenListsEveryUnexpectedKey() throws IOException {
        StateDict dict = StateDict.of(Map.of("a.weight", scalar(1), "b.bias", scalar(2), "logit_scale", scalar(3)));
        dict.take("logit_scale");
        assertThatThrownBy(dict::requireAllTaken)
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("a.weight")
                .hasMessageContaining("b.bias");
        dict.take("a.weight");
        dict.take("b.bias");
        dict.requireAllTaken();
    }

    @Test
    void ofStripsTheModulePrefixAndRefusesDuplicates() throws CheckpointException {
        assertThat(StateDict.of(Map.of("module.x", scalar(1))).keys()).containsExactly("x");
        assertThatThrownBy(() -> StateDict.of(Map.of("module.x", scalar(1), "x", scalar(2))))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("duplicate tensor 'x'");
    }

    @ParameterizedTest
    @CsvSource({
        "forbidden_global.bin, os.system",
        "forbidden_stack_global.bin, builtins.eval",
        "forbidden_load_from_bytes.bin, torch.storage._load_from_bytes"
    })
    void refusesPicklesNamingForbiddenGlobals(String file, String global) {
        assertThatThrownBy(() -> StateDict.read(checkpointsDir().resolve(file)))
                .isInstanceOf(CheckpointException.class)
                .hasMessage("forbidden pickle global: " + global);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0001, 0.01, 0.3, 0.5, 0.9, 0.999})
    void truncatedZipCheckpointIsRefused(double fraction) throws IOException {
        Path cut = cut(tinyModelDir().resolve("open_clip_pytorch_model.bin"), fraction);
        assertThatThrownBy(() -> StateDict.read(cut))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("truncated");
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.000001, 0.00001, 0.001, 0.3, 0.9, 0.999999})
    void truncatedSafetensorsIsRefused(double fraction) throws IOException {
        Path cut = cut(checkpointsDir().resolve("open_clip_model.safetensors"), fraction);
        assertThatThrownBy(() -> StateDict.read(cut))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("truncated");
    }

    @Test
    void aSafetensorsTensorIsReadFromTheFileWhenTakenNotBefore() throws IOException {
        Path file = tmp.resolve("lazy.safetensors");
        SafetensorsWriter.write(
                file,
                Map.of(
                        "a",
                        new Tensor(new long[] {2}, new float[] {1, 2}),
                        "b",
                        new Tensor(new long[] {3}, new float[] {3, 4, 5})),
                DType.F32);
        StateDict dict = StateDict.read(file);
        assertThat(dict.take("a", 2).data()).containsExactly(1, 2);

        // Same header, new values: what is taken from now on comes from the file as it is now.
        SafetensorsWriter.write(
                file,
                Map.of(
                        "a",
                        new Tensor(new long[] {2}, new float[] {0, 0}),
                        "b",
                        new Tensor(new long[] {3}, new float[] {-3, -4, -5})),
                DType.F32);
        assertThat(dict.take("b", 3).data()).containsExactly(-3, -4, -5);
        dict.requireAllTaken();
    }

    @Test
    void unknownFormatIsNamed() throws IOException {
        Path text = Files.writeString(tmp.resolve("weights.bin"), "hello, not a checkpoint");
        assertThatThrownBy(() -> StateDict.read(text))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("neither a PyTorch zip checkpoint nor a safetensors file");
    }

    private Path cut(Path file, double fraction) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int length = (int) (bytes.length * fraction);
        return Files.write(tmp.resolve(length + "-" + file.getFileName()), Arrays.copyOf(bytes, length));
    }

    static Map<String, Tensor> all(StateDict dict) throws IOException {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String key : List.copyOf(dict.keys()))
            out.put(key, dict.take(key, dict.shape(key).orElseThrow()));
        return out;
    }

    static List<String> roundedKeys() {
        List<String> keys = new ArrayList<>();
        json(checkpointsDir().resolve("checkpoints.json"))
                .path("rounded")
                .path("keys")
                .forEach(k -> keys.add(k.asText()));
        return keys;
    }

    /** The tensors PyTorch rounded to F16/BF16 and back, concatenated (written by make_model_golden.py). */
    static float[] torchRounded(String dtype) {
        return readFloats(checkpointsDir().resolve("rounded_" + dtype.toLowerCase() + ".f32"));
    }

    static float[] concat(Map<String, Tensor> tensors, List<String> keys) {
        int n = keys.stream().mapToInt(k -> tensors.get(k).data().length).sum();
        float[] out = new float[n];
        int at = 0;
        for (String k : keys) {
            float[] d = tensors.get(k).data();
            System.arraycopy(d, 0, out, at, d.length);
            at += d.length;
        }
        return out;
    }

    private static Tensor scalar(float v) {
        return new Tensor(new long[0], new float[] {v});
    }
}
