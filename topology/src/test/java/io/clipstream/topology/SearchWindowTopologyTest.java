package io.clipstream.topology;

import static io.clipstream.topology.Harness.inline;
import static io.clipstream.topology.Harness.labelSet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.clipstream.schemas.Classification;
import io.clipstream.search.SearchEntry;
import io.clipstream.search.SearchHit;
import io.clipstream.search.SearchQuery;
import io.clipstream.search.SearchScan;
import io.clipstream.search.SearchSettings;
import io.clipstream.search.SearchWindowProcessor;
import io.clipstream.search.SearchWindows;
import io.clipstream.search.TopLabel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The searchable window in the topology, through TopologyTestDriver with the tiny random-weight model. */
class SearchWindowTopologyTest {
    private static final List<String> TEMPLATES = List.of("a photo of a {}.");

    @TempDir
    Path stateDir;

    private final TinyClip.Counting encoders = new TinyClip.Counting();
    private final SearchWindows windows = new SearchWindows();

    private Harness harness(SearchSettings search) {
        TopologySettings settings = TopologySettings.defaults()
                .withBatch(1, Duration.ofHours(1))
                .withOverlapTower(false)
                .withSearch(search);
        Harness h = new Harness(settings, encoders, stateDir, windows);
        h.sendLabelSet(labelSet("animals", 1, TEMPLATES, "cat", "dog", "car"));
        return h;
    }

    private static List<SearchHit> search(SearchWindows windows, float[] query, int k) throws InterruptedException {
        try (SearchScan scan = SearchScan.onAllCores()) {
            return scan.search(windows.all(), new SearchQuery(query, k, Long.MIN_VALUE, null, null));
        }
    }

    @Test
    void everyClassifiedImageIsSearchableWithWhatItsClassificationSaid() throws Exception {
        try (Harness h = harness(SearchSettings.DEFAULTS)) {
            for (int i = 0; i < 3; i++) {
                h.sendImage(inline("img-" + i, "animals", TinyClip.png(i + 1, 40 + 20 * i, 50)));
            }
            List<Classification> classified =
                    h.readClassifications().stream().map(kv -> kv.value).toList();
            assertThat(classified).hasSize(3);
            assertThat(windows.size()).isEqualTo(3);
            assertThat(h.readImageEmbeddings())
                    .as("the window does not turn on the embeddings topic")
                    .isEmpty();
            // searches read the stored half-precision vectors back, as the service does through interactive queries
            KeyValueStore<Long, byte[]> store = h.driver.getKeyValueStore(SearchWindowProcessor.STORE);
            windows.readStoreWith((partition, key) -> store.get(key));
            float[] ofImage1 = windows.all().get(0).vectorOf("img-1").orElseThrow();
            List<SearchHit> hits = search(windows, ofImage1, 3);
            assertThat(hits).hasSize(3);
            SearchEntry best = hits.get(0).entry();
            assertThat(best.id()).isEqualTo("img-1");
            assertThat(hits.get(0).score()).isCloseTo(1f, within(1e-6f));
            assertThat(hits.get(1).score()).isLessThan(hits.get(0).score());
            Classification c = classified.get(1);
            assertThat(best.eventTime()).isEqualTo(c.getEventTime().toEpochMilli());
            assertThat(best.labelSet()).isEqualTo("animals");
            assertThat(best.attributes()).isEqualTo(c.getAttributes());
            assertThat(best.top())
                    .containsExactlyElementsOf(c.getTop().stream()
                            .map(s -> new TopLabel(s.getLabel(), s.getSimilarity(), s.getProbability()))
                            .toList());
        }
    }

    @Test
    void imagesLeaveByCountAndByRetentionOnTheWallClock() throws Exception {
        try (Harness h = harness(new SearchSettings(true, Duration.ofMinutes(10), 2))) {
            for (int i = 0; i < 3; i++) {
                h.sendImage(inline("img-" + i, "animals", TinyClip.png(i + 1, 40, 50)));
            }
            assertThat(h.readClassifications()).hasSize(3);
            assertThat(windows.size()).isEqualTo(2);
            assertThat(windows.all().get(0).vectorOf("img-0")).isEmpty();
            h.advance(Duration.ofMinutes(11));
            assertThat(windows.size()).isZero();
        }
    }

    @Test
    void withSearchOffNoWindowIsKept() {
        try (Harness h = harness(SearchSettings.disabled())) {
            h.sendImage(inline("img-0", "animals", TinyClip.png(1, 40, 50)));
            assertThat(h.readClassifications()).hasSize(1);
            assertThat(windows.all()).isEmpty();
            assertThat(h.driver.producedTopicNames()).noneMatch(t -> t.contains("search-window"));
        }
    }
}
