package io.clipstream.topology.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.schemas.LabelEmbedding;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

class LabelEmbeddingLoaderTest {

    @Test
    void mirrorsTheTopicIntoTheStoreAndReportsTheChangedSet() {
        MockProcessorContext<Void, Void> context = new MockProcessorContext<>();
        KeyValueStore<String, LabelEmbedding> store = Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(LabelEmbeddingLoader.STORE),
                        Serdes.String(),
                        LabelCatalogTest.SERDES.labelEmbedding())
                .withLoggingDisabled()
                .build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        LabelCatalog catalog = new LabelCatalog();
        LabelEmbeddingLoader loader = new LabelEmbeddingLoader(catalog);
        loader.init(context);

        LabelEmbedding a = LabelCatalogTest.row("set", 1, "a", 0, 1, "m", 1, 0);
        loader.process(new Record<>("set/a", a, 0L));
        assertThat(store.get("set/a")).isEqualTo(a);
        LabelMatrix first = catalog.lookup("set", "m", store).orElseThrow();

        LabelEmbedding a2 = LabelCatalogTest.row("set", 2, "a", 0, 1, "m", 0, 1);
        loader.process(new Record<>("set/a", a2, 0L));
        assertThat(catalog.lookup("set", "m", store).orElseThrow())
                .isNotSameAs(first)
                .extracting(LabelMatrix::version)
                .isEqualTo(2L);

        loader.process(new Record<>("set/a", null, 0L));
        assertThat(store.get("set/a")).isNull();
        assertThat(catalog.lookup("set", "m", store)).isEmpty();
    }
}
