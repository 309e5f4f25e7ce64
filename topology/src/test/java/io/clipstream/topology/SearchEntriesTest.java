package io.clipstream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.schemas.Classification;
import io.clipstream.schemas.ImageEmbedding;
import io.clipstream.schemas.LabelScore;
import io.clipstream.search.SearchEntry;
import io.clipstream.search.SearchEntryCodec;
import io.clipstream.topology.images.ClassifiedImage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SearchEntriesTest {

    @Test
    void anEntryIsKeptUpToTheLimitAndNotOneByteOver() {
        ClassifiedImage image = image("cat-🐈", 768);
        SearchEntry entry = SearchEntries.of(image, Integer.MAX_VALUE);
        int size = SearchEntryCodec.encode(entry).length;

        assertThat(SearchEntries.of(image, size)).isNotNull();
        assertThat(SearchEntries.of(image, size - 1)).isNull();
    }

    @Test
    void anImageWithoutAnEmbeddingIsNotKept() {
        ClassifiedImage image = image("a", 4);
        assertThat(SearchEntries.of(new ClassifiedImage(image.classification(), null), Integer.MAX_VALUE))
                .isNull();
    }

    private static ClassifiedImage image(String id, int dimension) {
        List<Float> unit = new ArrayList<>(Collections.nCopies(dimension, 0f));
        unit.set(0, 1f);
        Classification classification = Classification.newBuilder()
                .setImageId(id)
                .setLabelSet("pets ü")
                .setTop(List.of(new LabelScore("cat", 0.3f, 0.9f), new LabelScore("dog", 0.1f, 0.1f)))
                .setEventTime(Instant.ofEpochMilli(1_000))
                .setProcessingTime(Instant.ofEpochMilli(2_000))
                .setAttributes(Map.of("camera", "front", "ort", "Zürich"))
                .build();
        ImageEmbedding embedding =
                ImageEmbedding.newBuilder().setImageId(id).setEmbedding(unit).build();
        return new ClassifiedImage(classification, embedding);
    }
}
