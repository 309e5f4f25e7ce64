package io.clipstream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clipstream.schemas.Classification;
import io.clipstream.schemas.LabelScore;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pure parts of {@code clipstream-bench compare}: reading the Python side's JSON line, comparing both sides' outputs. */
class CompareBenchTest {
    @Test
    void readsThePythonSidesLastLine() throws IOException {
        Map<String, Object> m = CompareBench.PythonSide.parse(
                "{\"side\":\"python\",\"images\":200,\"seconds\":41.5,"
                        + "\"images_per_s\":4.82,\"stage_seconds\":{\"tower\":30.1},\"peak_rss_mb\":1210,\"openblas_core\":null}");

        assertThat(m)
                .containsEntry("images", 200)
                .containsEntry("images_per_s", 4.82)
                .containsEntry("peak_rss_mb", 1210);
        assertThat(m.get("stage_seconds")).isEqualTo(Map.of("tower", 30.1));
        assertThat(m).containsKey("openblas_core");
    }

    @Test
    void refusesALineWithoutTheFigures() {
        assertThatThrownBy(() -> CompareBench.PythonSide.parse("{\"images\":200,\"seconds\":\"soon\"}"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("seconds");
        assertThatThrownBy(() -> CompareBench.PythonSide.parse("python-loop: 8 images"))
                .isInstanceOf(IOException.class);
    }

    @Test
    void countsTopOneMismatchesMissingImagesAndTheLargestCosineDifference() {
        Map<String, Classification> java = Map.of(
                "a", classification("a", score("cat", 0.30f), score("dog", 0.20f)),
                "b", classification("b", score("car", 0.25f), score("bus", 0.24f)),
                "c", classification("c", score("owl", 0.10f)));
        Map<String, Classification> python = Map.of(
                "a", classification("a", score("cat", 0.3001f), score("dog", 0.2f)),
                "b", classification("b", score("bus", 0.2402f), score("car", 0.2398f)));

        CompareBench.Agreement agreement = CompareBench.Agreement.of(java, python);

        assertThat(agreement.compared()).isEqualTo(2);
        assertThat(agreement.mismatches()).isEqualTo(1);
        assertThat(agreement.missing()).isEqualTo(1);
        assertThat(agreement.maxCosineDiff()).isCloseTo(0.0102, org.assertj.core.data.Offset.offset(1e-5));
        assertThat(CompareBench.Agreement.of(python, java).missing()).isEqualTo(1);
    }

    private static LabelScore score(String label, float similarity) {
        return LabelScore.newBuilder()
                .setLabel(label)
                .setSimilarity(similarity)
                .setProbability(0.5f)
                .build();
    }

    private static Classification classification(String id, LabelScore... top) {
        return Classification.newBuilder()
                .setImageId(id)
                .setLabelSet("bench")
                .setTop(List.of(top))
                .setEventTime(Instant.EPOCH)
                .setProcessingTime(Instant.EPOCH)
                .build();
    }
}
