package io.clipstream.topology.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.schemas.LabelEmbedding;
import io.clipstream.topology.RecordSerdes;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

public class LabelCatalogTest {
    public static final RecordSerdes SERDES = RecordSerdes.configured(
            java.util.Map.of("schema.registry.url", "mock://catalog-" + java.util.UUID.randomUUID()));
    private final LabelCatalog catalog = new LabelCatalog();
    private KeyValueStore<String, LabelEmbedding> store;

    @BeforeEach
    void store() {
        MockProcessorContext<Void, Void> context = new MockProcessorContext<>();
        store = Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore("labels"),
                        Serdes.String(),
                        LabelCatalogTest.SERDES.labelEmbedding())
                .withLoggingDisabled()
                .build();
        store.init(context.getStateStoreContext(), store);
    }

    public static LabelEmbedding row(
            String set, long version, String label, int index, int count, String model, float... v) {
        List<Float> values = new java.util.ArrayList<>();
        for (float x : v) {
            values.add(x);
        }
        return LabelEmbedding.newBuilder()
                .setLabelSetId(set)
                .setLabelSetVersion(version)
                .setLabel(label)
                .setIndex(index)
                .setLabelCount(count)
                .setThreshold(index == 0 ? 0.5f : null)
                .setModelId(model)
                .setEmbedding(values)
                .build();
    }

    private void put(LabelEmbedding r) {
        store.put(r.getLabelSetId() + "/" + r.getLabel(), r);
        catalog.markChanged(r.getLabelSetId());
    }

    private void delete(String set, String label) {
        store.delete(set + "/" + label);
        catalog.markChanged(set);
    }

    @Test
    void aCompleteVersionBecomesAMatrixInIndexOrder() {
        put(row("s", 1, "b", 1, 2, "m", 0, 1));
        assertThat(catalog.lookup("s", "m", store)).isEmpty();
        put(row("s", 1, "a", 0, 2, "m", 1, 0));
        LabelMatrix m = catalog.lookup("s", "m", store).orElseThrow();
        assertThat(m.labels()).containsExactly("a", "b");
        assertThat(m.thresholds()).containsExactly(0.5f, null);
        assertThat(m.version()).isEqualTo(1);
        assertThat(m.classifier().classify(new float[] {3, 0}).get(0).label()).isEqualTo("a");
    }

    @Test
    void keepsThePreviousMatrixWhileAnUpdateIsHalfApplied() {
        put(row("s", 1, "a", 0, 2, "m", 1, 0));
        put(row("s", 1, "b", 1, 2, "m", 0, 1));
        assertThat(catalog.lookup("s", "m", store).orElseThrow().version()).isEqualTo(1);

        put(row("s", 2, "a", 0, 3, "m", 1, 0)); // v2 = a, c, d: a is overwritten, b still v1
        put(row("s", 2, "c", 1, 3, "m", 0, 1));
        LabelMatrix during = catalog.lookup("s", "m", store).orElseThrow();
        assertThat(during.version()).isEqualTo(1);
        assertThat(during.labels()).containsExactly("a", "b");

        put(row("s", 2, "d", 2, 3, "m", 1, 1));
        delete("s", "b");
        LabelMatrix after = catalog.lookup("s", "m", store).orElseThrow();
        assertThat(after.version()).isEqualTo(2);
        assertThat(after.labels()).containsExactly("a", "c", "d");
    }

    @Test
    void rebuildsOnlyWhenTheSetIsMarkedChanged() {
        put(row("s", 1, "a", 0, 1, "m", 1, 0));
        LabelMatrix first = catalog.lookup("s", "m", store).orElseThrow();
        assertThat(catalog.lookup("s", "m", store).orElseThrow()).isSameAs(first);

        store.put("s/a", row("s", 2, "a", 0, 1, "m", 0, 1)); // written but not reported
        assertThat(catalog.lookup("s", "m", store).orElseThrow()).isSameAs(first);
        catalog.markChanged("other");
        assertThat(catalog.lookup("s", "m", store).orElseThrow()).isSameAs(first);
        catalog.markChanged("s");
        assertThat(catalog.lookup("s", "m", store).orElseThrow().version()).isEqualTo(2);
    }

    @Test
    void aSetWithNoRecordsLeftIsGone() {
        put(row("s", 1, "a", 0, 1, "m", 1, 0));
        assertThat(catalog.lookup("s", "m", store)).isPresent();
        delete("s", "a");
        assertThat(catalog.lookup("s", "m", store)).isEmpty();
    }

    @Test
    void ignoresEmbeddingsOfAnotherModelAndOtherSetsSharingAPrefix() {
        put(row("s", 1, "a", 0, 1, "old-model", 1, 0));
        put(row("s2", 1, "x", 0, 1, "m", 1, 0));
        assertThat(catalog.lookup("s", "m", store)).isEmpty();
        assertThat(catalog.lookup("s", "old-model", store)).isPresent();
        assertThat(catalog.lookup("s2", "m", store).orElseThrow().labels()).containsExactly("x");
    }

    @Test
    void aVersionWithADuplicateIndexIsNotComplete() {
        assertThat(LabelCatalog.newestComplete(
                        "s", "m", List.of(row("s", 1, "a", 0, 2, "m", 1, 0), row("s", 1, "b", 0, 2, "m", 0, 1))))
                .isEmpty();
        assertThat(LabelCatalog.newestComplete(
                        "s", "m", List.of(row("s", 1, "a", 0, 2, "m", 1, 0), row("s", 1, "b", 1, 2, "m", 0, 1))))
                .isPresent();
    }
}
