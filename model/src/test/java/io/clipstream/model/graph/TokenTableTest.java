package io.clipstream.model.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clipstream.model.checkpoint.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class TokenTableTest {

    @Test
    void givesBackTheExactRowsOfTheTableForAnyIdsRepeatedOrNot() throws Exception {
        int rows = 300;
        int width = 24;
        Random random = new Random(4);
        float[] data = new float[rows * width];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) random.nextGaussian() * (i % 7 == 0 ? 1e-30f : 1f); // subnormal-ish values too
        }
        TokenTable table = TokenTable.spill(new Tensor(new long[] {rows, width}, data));
        assertThat(table.rows()).isEqualTo(rows);
        assertThat(table.width()).isEqualTo(width);
        int[] ids = {299, 0, 7, 7, 1, 299, 150, 1, 1};
        float[] out = new float[ids.length * width];
        table.lookup(ids, out);
        for (int i = 0; i < ids.length; i++) {
            assertThat(Arrays.copyOfRange(out, i * width, (i + 1) * width))
                    .as("row %d", ids[i])
                    .containsExactly(Arrays.copyOfRange(data, ids[i] * width, (ids[i] + 1) * width));
        }
        assertThatThrownBy(() -> table.lookup(new int[] {rows}, new float[width]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outside");
        assertThatThrownBy(() -> table.lookup(new int[] {-1}, new float[width]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void leavesNoFileBehind() throws Exception {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        TokenTable table = TokenTable.spill(new Tensor(new long[] {4, 2}, new float[8]));
        try (Stream<Path> files = Files.list(tmp)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("clipstream-tokens-"));
        }
        float[] out = new float[2];
        table.lookup(new int[] {3}, out); // still readable through the open channel
        assertThat(out).containsExactly(0f, 0f);
    }
}
