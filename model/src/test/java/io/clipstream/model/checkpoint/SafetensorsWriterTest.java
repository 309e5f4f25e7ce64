package io.clipstream.model.checkpoint;

import static io.clipstream.model.GoldenFiles.tinyModelDir;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SafetensorsWriterTest {
    @TempDir
    Path tmp;

    @Test
    void f32RoundTripsExactly() throws IOException {
        Map<String, Tensor> weights = tinyModel();
        Path file = tmp.resolve("model.safetensors");
        SafetensorsWriter.write(file, weights, DType.F32);
        assertThat(SafetensorsReader.read(file)).isEqualTo(weights);
    }

    /** Rounding must agree with PyTorch's .half() / .bfloat16(), whose results make_model_golden.py stored. */
    @ParameterizedTest
    @ValueSource(strings = {"F16", "BF16"})
    void halfPrecisionRoundsLikePyTorch(String dtype) throws IOException {
        Path file = tmp.resolve(dtype + ".safetensors");
        SafetensorsWriter.write(file, tinyModel(), DType.valueOf(dtype));
        Map<String, Tensor> read = SafetensorsReader.read(file);
        assertThat(StateDictTest.concat(read, StateDictTest.roundedKeys()))
                .isEqualTo(StateDictTest.torchRounded(dtype));
    }

    private static Map<String, Tensor> tinyModel() throws IOException {
        return StateDictTest.all(StateDict.read(tinyModelDir().resolve("open_clip_pytorch_model.bin")));
    }
}
