package io.clipstream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clipstream.model.ClipModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TowerAloneTest {
    @TempDir
    Path dir;

    @Test
    void aChildJvmRunsTheTowerAndReportsItsRate() throws Exception {
        Path model = ClipModel.writeTinyRandomModel(dir.resolve("tiny"), 1);
        Path jpeg = Files.write(dir.resolve("one.jpg"), BenchPhoto.of(0));

        double rate = TowerAlone.inChildJvm(model, jpeg, 2, 1, 0.5);

        assertThat(rate).isPositive().isFinite();
    }

    @Test
    void aChildThatFailsIsAnErrorNotARate() {
        assertThatThrownBy(() -> TowerAlone.inChildJvm(dir.resolve("no-model"), dir.resolve("none.jpg"), 2, 1, 0.5))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("tower-alone JVM failed");
    }
}
