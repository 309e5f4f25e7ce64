package io.clipstream.topology;

import io.clipstream.schemas.ErrorCode;
import io.clipstream.schemas.Label;
import io.clipstream.schemas.LabelEmbedding;
import io.clipstream.schemas.LabelSet;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import static io.clipstream.topology.Harness.labelSet;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The encoder alone, with a fake text tower and a fake clock: caching, re-sends, deletes, a failing tower, steps
 * under the text-tower share, progress, and a set under way across a restart.
 */
class LabelSetEncoderTest {
    private static final List<String> T = List.of("a {}", "the {}");
    private final RecordSerdes serdes = RecordSerdes.configured(Map.of("schema.registry.url", "mock://encoder-" + UUID.randomUUID()));
    private final FakeEncoders text = new FakeEncoders();
    private final AtomicLong clock = new AtomicLong(10_000_000_000L);
    private final TextTowerShare share = new TextTowerShare(clock::get);
    private final LabelSetProgress progress = new LabelSetProgress();
    private final RecordedSource source = new RecordedSource();
    private MockProcessorContext<byte[], Outcome<LabelEmbedding>> context;
    private LabelSetEncoder encoder;
    private long offset;

    @BeforeEach
    void init() {
        Properties config = new Properties();
        config.put("application.id", "encoder-test");
        config.put("bootstrap.servers", "127.0.0.1:1");
        config.put(SourceReader.CONFIG, source);
        context = new MockProcessorContext<>(config);
        context.setCurrentSystemTimeMs(0);
        KeyValueStore<String, float[]> cache = Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(LabelSetEncoder.PROMPT_STORE), Serdes.String(), new FloatArraySerde())
                .withLoggingDisabled().build();
        KeyValueStore<String, LabelSetMembers> members = Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(LabelSetEncoder.MEMBERS_STORE), Serdes.String(), LabelSetMembers.serde())
                .withLoggingDisabled().build();
        KeyValueStore<String, byte[]> pending = Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(LabelSetEncoder.PENDING_STORE), Serdes.String(), Serdes.ByteArray())
                .withLoggingDisabled().build();
        for (KeyValueStore<?, ?> store : List.of(cache, members, pending)) {
            store.init(context.getStateStoreContext(), store);
            context.addStateStore(store);
        }
        encoder = encoder(new LabelSetRules(1_000, 100, 200, 1 << 20));
    }

    private LabelSetEncoder encoder(LabelSetRules rules) {
        LabelSetEncoder e = new LabelSetEncoder(serdes.labelSet().deserializer(), text, rules, share, progress, 1 << 20);
        e.init(context);
        return e;
    }

    private List<Record<byte[], Outcome<LabelEmbedding>>> send(String key, LabelSet set) {
        context.resetForwards();
        context.setRecordMetadata("label-sets", 0, offset);
        byte[] value = set == null ? null : serdes.labelSet().serializer().serialize("label-sets", set);
        source.add(new InputRecord("label-sets", 0, offset, 0, Harness.bytes(key), value));
        offset++;
        encoder.process(new Record<>(Harness.bytes(key), value, 0L));
        return forwarded();
    }

    private List<Record<byte[], Outcome<LabelEmbedding>>> punctuate() {
        context.resetForwards();
        context.scheduledPunctuators().get(context.scheduledPunctuators().size() - 1).getPunctuator().punctuate(0);
        return forwarded();
    }

    private List<Record<byte[], Outcome<LabelEmbedding>>> forwarded() {
        List<Record<byte[], Outcome<LabelEmbedding>>> out = new ArrayList<>();
        for (var forward : context.forwarded()) {
            out.add(new Record<>(forward.record().key(), forward.record().value(), forward.record().timestamp()));
        }
        return out;
    }

    private static LabelSet numbered(String id, int labels) {
        String[] names = new String[labels];
        for (int i = 0; i < labels; i++) {
            names[i] = "label" + i;
        }
        return labelSet(id, 1, T, names);
    }

    @Test
    void whileImagesFlowASetIsEncodedOneTextBatchPerStepAndWrittenWhenComplete() {
        share.imageRead();
        assertThat(send("s", numbered("s", 40))).isEmpty();                   // 80 prompts
        assertThat(text.prompts).hasSize(LabelSetEncoder.TEXT_BATCH);
        assertThat(progress.encoding()).containsExactly(new LabelSetProgress.Encoding("s", 1, 32, 80));
        assertThat(punctuate()).isEmpty();
        assertThat(text.prompts).hasSize(64);
        assertThat(punctuate()).hasSize(40).allMatch(r -> r.value().ok());
        assertThat(text.prompts).hasSize(80).doesNotHaveDuplicates();
        assertThat(progress.encoding()).isEmpty();
        assertThat(punctuate()).isEmpty();
    }

    @Test
    void withNoImagesWaitingASetIsEncodedInOneStep() {
        assertThat(send("s", numbered("s", 40))).hasSize(40);
        assertThat(text.prompts).hasSize(80);
    }

    @Test
    void aStepThatTookLongWhileImagesFlowMakesTheNextWaitAsLong() {
        text.onEncode = () -> clock.addAndGet(100_000_000L);                  // each text batch takes 100 ms
        share.imageRead();
        send("s", numbered("s", 40));
        assertThat(text.prompts).hasSize(32);
        clock.addAndGet(50_000_000L);
        share.imageRead();
        assertThat(punctuate()).isEmpty();
        assertThat(text.prompts).as("only half of the thread goes to label sets").hasSize(32);
        clock.addAndGet(50_000_000L);
        punctuate();
        assertThat(text.prompts).hasSize(64);
    }

    @Test
    void aTombstoneCancelsASetUnderWay() {
        share.imageRead();
        assertThat(send("s", numbered("s", 40))).isEmpty();
        assertThat(send("s", null)).isEmpty();
        assertThat(punctuate()).isEmpty();
        assertThat(text.prompts).hasSize(32);
        assertThat(progress.encoding()).isEmpty();
    }

    @Test
    void aSetUnderWayGoesOnFromItsCursorAfterARestart() {
        share.imageRead();
        send("s", numbered("s", 40));
        encoder.close();                                   // the process dies here; the stores survive
        text.prompts.clear();

        encoder = encoder(new LabelSetRules(1_000, 100, 200, 1 << 20));   // reads the set back from the topic
        List<Record<byte[], Outcome<LabelEmbedding>>> out = punctuate();
        out.addAll(punctuate());
        assertThat(out).hasSize(40);
        assertThat(text.prompts).as("only what was not cached yet").hasSize(48);
        assertThat(source.reads).isEqualTo(1);
    }

    @Test
    void aSetOverThePromptBudgetIsRefusedAtTheDoorNamingIt() {
        List<Record<byte[], Outcome<LabelEmbedding>>> out = send("s", numbered("s", 101));   // 202 prompts > 200
        assertThat(out).singleElement().satisfies(r -> {
            assertThat(r.value().deadLetter().getCode()).isEqualTo(ErrorCode.INVALID_LABEL_SET);
            assertThat(r.value().deadLetter().getMessage()).contains("202 prompts", "200", "label.set.max.prompts");
        });
        assertThat(text.prompts).isEmpty();
        assertThat(send("s", numbered("s", 100))).hasSize(100);                          // 200: at the budget
    }

    @Test
    void thresholdsOutsideTheCosineRangeAreRefused() {
        for (float threshold : new float[]{5f, -5f, 1.0001f, Float.NaN}) {
            LabelSet set = labelSet("s", 1, T, "cat");
            set.getLabels().set(0, Label.newBuilder().setName("cat").setPrompts(null).setThreshold(threshold).build());
            assertThat(send("s", set)).singleElement().satisfies(r ->
                    assertThat(r.value().deadLetter().getCode()).isEqualTo(ErrorCode.INVALID_LABEL_SET));
        }
        LabelSet edge = labelSet("s", 1, T, "cat", "dog");
        edge.getLabels().set(0, Label.newBuilder().setName("cat").setPrompts(null).setThreshold(1f).build());
        edge.getLabels().set(1, Label.newBuilder().setName("dog").setPrompts(null).setThreshold(-1f).build());
        assertThat(send("s", edge)).hasSize(2).allMatch(r -> r.value().ok());
    }

    @Test
    void writesOneEmbeddingPerLabelWithItsPlaceInTheSet() {
        List<Record<byte[], Outcome<LabelEmbedding>>> out = send("s", labelSet("s", 5, T, "cat"));
        assertThat(out).hasSize(1);
        out = send("s", labelSet("s", 5, T, "cat", "dog"));
        assertThat(out).extracting(r -> new String(r.key())).containsExactly("s/cat", "s/dog");
        LabelEmbedding dog = out.get(1).value().value();
        assertThat(dog.getIndex()).isEqualTo(1);
        assertThat(dog.getLabelCount()).isEqualTo(2);
        assertThat(dog.getLabelSetVersion()).isEqualTo(5);
        assertThat(dog.getModelId()).isEqualTo("fake");
        double norm = Math.sqrt(dog.getEmbedding().stream().mapToDouble(x -> x * x).sum());
        assertThat(norm).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-6));
        assertThat(text.prompts).containsExactly("a cat", "the cat", "a dog", "the dog");
    }

    @Test
    void aResentSetEncodesNothingNewAndATombstoneDeletesEveryLabel() {
        send("s", labelSet("s", 1, T, "cat"));
        send("s", labelSet("s", 1, T, "cat", "dog"));
        text.prompts.clear();
        assertThat(send("s", labelSet("s", 1, T, "cat", "dog"))).hasSize(2);
        assertThat(text.prompts).isEmpty();

        List<Record<byte[], Outcome<LabelEmbedding>>> deleted = send("s", null);
        assertThat(deleted).extracting(r -> new String(r.key())).containsExactly("s/cat", "s/dog");
        assertThat(deleted).allMatch(r -> r.value().ok() && r.value().value() == null);
        assertThat(send("s", null)).isEmpty();          // deleting again: nothing left to delete
    }

    @Test
    void aFailingTextTowerIsAModelErrorAndChangesNothing() {
        send("s", labelSet("s", 1, T, "cat"));
        text.textTowerBroken = true;
        List<Record<byte[], Outcome<LabelEmbedding>>> out = send("s", labelSet("s", 2, T, "cat", "emu"));
        assertThat(out).hasSize(1);
        assertThat(out.get(0).value().deadLetter().getCode()).isEqualTo(ErrorCode.MODEL_ERROR);
        text.textTowerBroken = false;
        assertThat(send("s", null)).extracting(r -> new String(r.key())).containsExactly("s/cat");
    }
}
