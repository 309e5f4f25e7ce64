package io.clipstream.topology.labelsets;

import static io.clipstream.topology.Harness.labelSet;
import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.model.ClipModel;
import io.clipstream.schemas.ErrorCode;
import io.clipstream.schemas.Label;
import io.clipstream.schemas.LabelEmbedding;
import io.clipstream.schemas.LabelExample;
import io.clipstream.schemas.LabelSet;
import io.clipstream.schemas.Stage;
import io.clipstream.topology.FakeEncoders;
import io.clipstream.topology.Harness;
import io.clipstream.topology.InputRecord;
import io.clipstream.topology.Outcome;
import io.clipstream.topology.RecordSerdes;
import io.clipstream.topology.RecordedSource;
import io.clipstream.topology.SourceReader;
import io.clipstream.topology.TopologySettings;
import io.clipstream.topology.TopologySettings.FetchSettings;
import io.clipstream.topology.catalog.LabelEmbeddingLoader;
import io.clipstream.topology.images.ImagePreparer;
import io.clipstream.topology.images.fetch.ImageFetcher;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The encoder alone, with fake towers and a fake clock: caching, re-sends, deletes, a failing tower, steps under the
 * text-tower share, progress, a set under way across a restart, and labels defined by example images (the fake image
 * tower embeds an image as (its first byte, 1); bytes starting with 'X' are corrupt; images over 64 bytes too large;
 * URLs refused, fetching being off).
 */
class LabelSetEncoderTest {
    private static final List<String> T = List.of("a {}", "the {}");
    private final RecordSerdes serdes =
            RecordSerdes.configured(Map.of("schema.registry.url", "mock://encoder-" + UUID.randomUUID()));
    private final FakeEncoders text = new FakeEncoders();
    private final ImageFetcher fetcher = new ImageFetcher(FetchSettings.disabled(), 64);
    private final AtomicLong clock = new AtomicLong(10_000_000_000L);
    private final TextTowerShare share = new TextTowerShare(clock::get);
    private final LabelSetProgress progress = new LabelSetProgress();
    private final RecordedSource source = new RecordedSource();
    private TextTowerThread textThread = TextTowerThread.inline();
    private MockProcessorContext<byte[], Outcome<LabelEmbedding>> context;
    /** The global label-embeddings table, filled by hand: the topic as this or another application wrote it. */
    private KeyValueStore<String, LabelEmbedding> table;

    private KeyValueStore<String, float[]> cache;
    private KeyValueStore<String, LabelSetMembers> members;
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
                        Stores.inMemoryKeyValueStore(LabelSetEncoder.PROMPT_STORE),
                        Serdes.String(),
                        new FloatArraySerde())
                .withLoggingDisabled()
                .build();
        KeyValueStore<String, LabelSetMembers> members = Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(LabelSetEncoder.MEMBERS_STORE),
                        Serdes.String(),
                        LabelSetMembers.serde())
                .withLoggingDisabled()
                .build();
        KeyValueStore<String, byte[]> pending = Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(LabelSetEncoder.PENDING_STORE),
                        Serdes.String(),
                        Serdes.ByteArray())
                .withLoggingDisabled()
                .build();
        table = Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(LabelEmbeddingLoader.STORE),
                        Serdes.String(),
                        serdes.labelEmbedding())
                .withLoggingDisabled()
                .build();
        this.cache = cache;
        this.members = members;
        for (KeyValueStore<?, ?> store : List.of(cache, members, pending, table)) {
            store.init(context.getStateStoreContext(), store);
            context.addStateStore(store);
        }
        encoder = encoder(new LabelSetRules(1_000, 100, 200, 1 << 20));
    }

    private LabelSetEncoder encoder(LabelSetRules rules) {
        LabelSetEncoder e = new LabelSetEncoder(
                serdes.labelSet().deserializer(),
                text,
                new ExampleImages(new ImagePreparer(text, fetcher, 64), text),
                rules,
                share,
                textThread,
                progress,
                1 << 20);
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
        context.scheduledPunctuators()
                .get(context.scheduledPunctuators().size() - 1)
                .getPunctuator()
                .punctuate(0);
        return forwarded();
    }

    private List<Record<byte[], Outcome<LabelEmbedding>>> forwarded() {
        List<Record<byte[], Outcome<LabelEmbedding>>> out = new ArrayList<>();
        for (var forward : context.forwarded()) {
            out.add(new Record<>(
                    forward.record().key(),
                    forward.record().value(),
                    forward.record().timestamp()));
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
        assertThat(send("s", numbered("s", 40))).isEmpty(); // 80 prompts
        assertThat(text.prompts).hasSize(ClipModel.TEXT_BATCH);
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
        text.onEncode = () -> clock.addAndGet(100_000_000L); // each text batch takes 100 ms
        share.imageRead();
        send("s", numbered("s", 40));
        assertThat(text.prompts).hasSize(32);
        clock.addAndGet(50_000_000L);
        share.imageRead();
        assertThat(punctuate()).isEmpty();
        assertThat(text.prompts)
                .as("only half of the thread goes to label sets")
                .hasSize(32);
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
        encoder.close(); // the process dies here; the stores survive
        text.prompts.clear();

        encoder = encoder(new LabelSetRules(1_000, 100, 200, 1 << 20)); // reads the set back from the topic
        List<Record<byte[], Outcome<LabelEmbedding>>> out = punctuate();
        out.addAll(punctuate());
        assertThat(out).hasSize(40);
        assertThat(text.prompts).as("only what was not cached yet").hasSize(48);
        assertThat(source.reads).isEqualTo(1);
    }

    @Test
    void aSetOverThePromptBudgetIsRefusedAtTheDoorNamingIt() {
        List<Record<byte[], Outcome<LabelEmbedding>>> out = send("s", numbered("s", 101)); // 202 prompts > 200
        assertThat(out).singleElement().satisfies(r -> {
            assertThat(r.value().deadLetter().getCode()).isEqualTo(ErrorCode.INVALID_LABEL_SET);
            assertThat(r.value().deadLetter().getMessage()).contains("202 prompts", "200", "label.set.max.prompts");
        });
        assertThat(text.prompts).isEmpty();
        assertThat(send("s", numbered("s", 100))).hasSize(100); // 200: at the budget
    }

    @Test
    void thresholdsOutsideTheCosineRangeAreRefused() {
        for (float threshold : new float[] {5f, -5f, 1.0001f, Float.NaN}) {
            LabelSet set = labelSet("s", 1, T, "cat");
            set.getLabels()
                    .set(
                            0,
                            Label.newBuilder()
                                    .setName("cat")
                                    .setPrompts(null)
                                    .setThreshold(threshold)
                                    .build());
            assertThat(send("s", set))
                    .singleElement()
                    .satisfies(
                            r -> assertThat(r.value().deadLetter().getCode()).isEqualTo(ErrorCode.INVALID_LABEL_SET));
        }
        LabelSet edge = labelSet("s", 1, T, "cat", "dog");
        edge.getLabels()
                .set(
                        0,
                        Label.newBuilder()
                                .setName("cat")
                                .setPrompts(null)
                                .setThreshold(1f)
                                .build());
        edge.getLabels()
                .set(
                        1,
                        Label.newBuilder()
                                .setName("dog")
                                .setPrompts(null)
                                .setThreshold(-1f)
                                .build());
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
        double norm =
                Math.sqrt(dog.getEmbedding().stream().mapToDouble(x -> x * x).sum());
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
        assertThat(send("s", null)).isEmpty(); // deleting again: nothing left to delete
    }

    /** Writes the embeddings among {@code out} into the table, as the global store's loader would. */
    private void toTable(List<Record<byte[], Outcome<LabelEmbedding>>> out) {
        for (Record<byte[], Outcome<LabelEmbedding>> r : out) {
            table.put(new String(r.key(), StandardCharsets.UTF_8), r.value().value());
        }
    }

    /** Forgets this application's own state, as a new application id starts without it. */
    private void newApplicationId() {
        for (KeyValueStore<String, ?> store : List.of(cache, members)) {
            List<String> keys = new ArrayList<>();
            store.all().forEachRemaining(kv -> keys.add(kv.key));
            keys.forEach(store::delete);
        }
    }

    @Test
    void aSetTheTableHoldsForThisModelFromTheSameContentIsWrittenAgainWithoutTheTowers() {
        List<Record<byte[], Outcome<LabelEmbedding>>> first = send("s", labelSet("s", 4, T, "cat", "dog"));
        assertThat(first).hasSize(2).allMatch(r -> r.value().value().getLabelSetDigest() != null);
        toTable(first);
        newApplicationId();
        text.prompts.clear();

        List<Record<byte[], Outcome<LabelEmbedding>>> again = send("s", labelSet("s", 4, T, "cat", "dog"));
        assertThat(text.prompts).isEmpty();
        assertThat(again).extracting(r -> new String(r.key())).containsExactly("s/cat", "s/dog");
        assertThat(again)
                .extracting(r -> r.value().value())
                .containsExactly(
                        first.get(0).value().value(), first.get(1).value().value());

        // what was written again counts as this application's members: a later version drops a label with a tombstone
        List<Record<byte[], Outcome<LabelEmbedding>>> next = send("s", labelSet("s", 5, T, "cat"));
        assertThat(next).extracting(r -> new String(r.key())).containsExactly("s/cat", "s/dog");
        assertThat(next.get(1).value().value()).isNull();
    }

    @Test
    void aSetTheTableHoldsInPartForAnotherModelVersionOrContentIsEncoded() {
        List<Record<byte[], Outcome<LabelEmbedding>>> first = send("s", labelSet("s", 4, T, "cat", "dog"));
        LabelEmbedding cat = first.get(0).value().value();
        LabelEmbedding dog = first.get(1).value().value();

        List<List<LabelEmbedding>> tables = List.of(
                List.of(cat), // one label missing
                List.of(cat, LabelEmbedding.newBuilder(dog).setModelId("other").build()),
                List.of(
                        cat,
                        LabelEmbedding.newBuilder(dog).setLabelSetVersion(3).build()),
                List.of(
                        cat,
                        LabelEmbedding.newBuilder(dog)
                                .setLabelSetDigest(ByteBuffer.allocate(32))
                                .build()),
                List.of(
                        cat,
                        LabelEmbedding.newBuilder(dog).setLabelSetDigest(null).build()));
        for (List<LabelEmbedding> rows : tables) {
            newApplicationId();
            List<String> keys = new ArrayList<>();
            table.all().forEachRemaining(kv -> keys.add(kv.key));
            keys.forEach(table::delete);
            rows.forEach(r -> table.put("s/" + r.getLabel(), r));
            text.prompts.clear();
            assertThat(send("s", labelSet("s", 4, T, "cat", "dog"))).hasSize(2);
            assertThat(text.prompts).as("table %s", rows).containsExactly("a cat", "the cat", "a dog", "the dog");
        }
    }

    /** Punctuates until something is forwarded or ten seconds pass; what was forwarded. */
    private List<Record<byte[], Outcome<LabelEmbedding>>> punctuateUntilForwarded() throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        List<Record<byte[], Outcome<LabelEmbedding>>> out = punctuate();
        while (out.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(5);
            out = punctuate();
        }
        return out;
    }

    @Test
    void onItsOwnThreadATextBatchLeavesTheStreamThreadFreeAndIsCachedWhenDone() throws Exception {
        textThread = TextTowerThread.daemon();
        encoder = encoder(new LabelSetRules(1_000, 100, 200, 1 << 20));
        java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
        List<String> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
        text.onEncode = () -> {
            threads.add(Thread.currentThread().getName());
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };

        assertThat(send("s", labelSet("s", 1, T, "cat", "dog"))).isEmpty(); // returned with the batch running
        assertThat(punctuate()).isEmpty();
        assertThat(progress.encoding()).containsExactly(new LabelSetProgress.Encoding("s", 1, 0, 4));
        gate.countDown();
        List<Record<byte[], Outcome<LabelEmbedding>>> out = punctuateUntilForwarded();
        assertThat(out).extracting(r -> new String(r.key())).containsExactly("s/cat", "s/dog");
        assertThat(threads).containsOnly("clipstream-text-tower");
        assertThat(text.prompts).containsExactly("a cat", "the cat", "a dog", "the dog");
        assertThat(progress.encoding()).isEmpty();
    }

    @Test
    void aNewerVersionReplacesASetWhoseTextBatchIsInFlight() throws Exception {
        textThread = TextTowerThread.daemon();
        encoder = encoder(new LabelSetRules(1_000, 100, 200, 1 << 20));
        java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
        text.onEncode = () -> {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        assertThat(send("s", labelSet("s", 1, T, "cat"))).isEmpty();
        assertThat(send("s", labelSet("s", 2, T, "emu"))).isEmpty(); // waits for the text thread
        gate.countDown();
        List<Record<byte[], Outcome<LabelEmbedding>>> out = punctuateUntilForwarded();
        assertThat(out).extracting(r -> new String(r.key())).containsExactly("s/emu");
        assertThat(out.get(0).value().value().getLabelSetVersion()).isEqualTo(2);
        assertThat(punctuate()).isEmpty();
    }

    @Test
    void aTextBatchThatFailsOnItsOwnThreadIsAModelError() throws Exception {
        textThread = TextTowerThread.daemon();
        encoder = encoder(new LabelSetRules(1_000, 100, 200, 1 << 20));
        text.textTowerBroken = true;
        // the failure may come back before the step looks at it (answered at once) or after (at a punctuation)
        List<Record<byte[], Outcome<LabelEmbedding>>> out = send("s", labelSet("s", 1, T, "cat"));
        if (out.isEmpty()) {
            out = punctuateUntilForwarded();
        }
        assertThat(out).hasSize(1);
        assertThat(out.get(0).value().ok()).isFalse();
        assertThat(out.get(0).value().deadLetter().getCode()).isEqualTo(ErrorCode.MODEL_ERROR);
        assertThat(progress.encoding()).isEmpty();
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

    private static LabelExample inlineExample(int firstByte) {
        return new LabelExample(ByteBuffer.wrap(new byte[] {(byte) firstByte, 0, 0}), null);
    }

    /** A set of labels "item0"… each with its examples' first bytes, and no prompts of its own. */
    private static LabelSet byExample(int[]... firstBytes) {
        String[] names = new String[firstBytes.length];
        for (int i = 0; i < names.length; i++) {
            names[i] = "item" + i;
        }
        LabelSet set = labelSet("s", 1, T, names);
        for (int i = 0; i < names.length; i++) {
            List<LabelExample> examples = new ArrayList<>();
            for (int b : firstBytes[i]) {
                examples.add(inlineExample(b));
            }
            set.getLabels().get(i).setExamples(examples);
        }
        return set;
    }

    private static float[] vector(LabelEmbedding e) {
        float[] v = new float[e.getEmbedding().size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = e.getEmbedding().get(i);
        }
        return v;
    }

    @Test
    void aLabelDefinedByExamplesIsTheBlendOfTheirEmbeddingsAndUsesNoTemplates() {
        LabelSet set = byExample(new int[] {10, 20, 30});
        set.getLabels().get(0).setPrompts(List.of("a knife"));
        set.getLabels().get(0).setExampleWeight(0.75f);
        List<Record<byte[], Outcome<LabelEmbedding>>> out = send("s", set);
        assertThat(out)
                .singleElement()
                .satisfies(r -> assertThat(vector(r.value().value()))
                        .containsExactly(LabelBlend.of(
                                new float[][] {{7, 1}}, new float[][] {{10, 1}, {20, 1}, {30, 1}}, 0.75f)));
        assertThat(text.prompts).containsExactly("a knife");
        assertThat(text.batches).containsExactly(List.of(10f, 20f, 30f));
    }

    @Test
    void exampleEmbeddingsAreCachedByTheirPixelsAcrossLabelsAndResends() {
        assertThat(send("s", byExample(new int[] {10, 20}, new int[] {20, 40}))).hasSize(2);
        assertThat(text.batches).containsExactly(List.of(10f, 20f, 40f)); // 20 once, though in both
        text.batches.clear();
        assertThat(send("s", byExample(new int[] {40, 10}, new int[] {20})))
                .hasSize(2)
                .allMatch(r -> r.value().ok());
        assertThat(text.batches).as("all cached").isEmpty();
        assertThat(text.prompts).isEmpty();
    }

    @Test
    void whileImagesFlowAStepPreparesOneExampleBatchThenThePromptsFollow() {
        share.imageRead();
        LabelSet set = byExample(new int[] {1, 2, 3, 4, 5}, new int[] {6});
        set.getLabels().get(1).setPrompts(List.of("a", "b"));
        assertThat(send("s", set)).isEmpty();
        assertThat(text.batches).containsExactly(List.of(1f, 2f, 3f, 4f));
        assertThat(progress.encoding()).containsExactly(new LabelSetProgress.Encoding("s", 1, 4, 8));
        assertThat(punctuate()).isEmpty();
        assertThat(text.batches).hasSize(2);
        assertThat(text.prompts).isEmpty();
        assertThat(punctuate()).hasSize(2);
        assertThat(text.prompts).containsExactly("a", "b");
    }

    @Test
    void anExampleThatCannotBeUsedMakesTheSetADeadLetterNamingItAndKeepsTheOldVersion() {
        send("s", byExample(new int[] {10}));
        LabelSet corrupt = byExample(new int[] {10}, new int[] {20, 'X'});
        corrupt.setVersion(2);
        assertThat(send("s", corrupt)).singleElement().satisfies(r -> {
            assertThat(r.value().deadLetter().getCode()).isEqualTo(ErrorCode.CORRUPT_IMAGE);
            assertThat(r.value().deadLetter().getStage()).isEqualTo(Stage.DECODE);
            assertThat(r.value().deadLetter().getMessage()).startsWith("label \"item1\" example 2 of 2: ");
        });
        LabelSet url = byExample(new int[] {10});
        url.getLabels().get(0).setExamples(List.of(new LabelExample(null, "https://example.com/knife.jpg")));
        assertThat(send("s", url)).singleElement().satisfies(r -> {
            assertThat(r.value().deadLetter().getCode()).isEqualTo(ErrorCode.FETCH_REFUSED);
            assertThat(r.value().deadLetter().getStage()).isEqualTo(Stage.FETCH);
            assertThat(r.value().deadLetter().getMessage())
                    .isEqualTo("label \"item0\" example 1 of 1: fetching image URLs is disabled");
        });
        LabelSet large = byExample(new int[] {10});
        large.getLabels().get(0).setExamples(List.of(new LabelExample(ByteBuffer.wrap(new byte[65]), null)));
        assertThat(send("s", large)).singleElement().satisfies(r -> {
            assertThat(r.value().deadLetter().getCode()).isEqualTo(ErrorCode.IMAGE_TOO_LARGE);
            assertThat(r.value().deadLetter().getMessage()).contains("65 bytes", "limit of 64");
        });
        assertThat(progress.encoding()).isEmpty();
        assertThat(send("s", null))
                .as("version 1 is still the set")
                .extracting(r -> new String(r.key()))
                .containsExactly("s/item0");
    }

    @Test
    void examplesOverTheirLimitAreRefusedAtTheDoor() {
        encoder = encoder(new LabelSetRules(1_000, 100, 200, 1 << 20, new TopologySettings.ExampleLimits(2, 3)));
        assertThat(send("s", byExample(new int[] {1, 2}, new int[] {3}))).hasSize(2);
        assertThat(send("s", byExample(new int[] {1, 2}, new int[] {3, 4})))
                .singleElement()
                .satisfies(r -> {
                    assertThat(r.value().deadLetter().getCode()).isEqualTo(ErrorCode.INVALID_LABEL_SET);
                    assertThat(r.value().deadLetter().getMessage()).contains("4 example images, more than 3");
                });
    }

    @Test
    void aSetUnderWayAmongItsExamplesGoesOnAfterARestartWithTheSameResult() {
        LabelSet set = byExample(new int[] {1, 2, 3, 4, 5, 6}, new int[] {7});
        List<Record<byte[], Outcome<LabelEmbedding>>> whole = send("s", set);
        send("s", null);
        text.batches.clear();

        share.imageRead();
        LabelSet again = byExample(new int[] {11, 2, 3, 4, 5, 6}, new int[] {7});
        assertThat(send("s", again)).isEmpty();
        assertThat(text.batches).containsExactly(List.of(11f)); // 2, 3, 4 cached, passed
        encoder.close();

        encoder = encoder(new LabelSetRules(1_000, 100, 200, 1 << 20));
        List<Record<byte[], Outcome<LabelEmbedding>>> out = punctuate();
        assertThat(out).hasSize(2);
        assertThat(text.batches).hasSize(1);
        assertThat(vector(out.get(1).value().value()))
                .containsExactly(vector(whole.get(1).value().value()));
        assertThat(vector(out.get(0).value().value()))
                .containsExactly(LabelBlend.of(
                        new float[0][], new float[][] {{11, 1}, {2, 1}, {3, 1}, {4, 1}, {5, 1}, {6, 1}}, 0.5f));
    }

    @Test
    void aPendingEntryWrittenBeforeExamplesExistedIsStillRead() {
        share.imageRead();
        send("s", numbered("s", 40)); // 32 of 80 prompts
        encoder.close();
        // the format of the previous release: [2][partition][offset][label][prompt][topic], here at label 16, prompt 0
        byte[] topic = "label-sets".getBytes(StandardCharsets.UTF_8);
        KeyValueStore<String, byte[]> pending = context.getStateStore(LabelSetEncoder.PENDING_STORE);
        pending.put(
                "s",
                ByteBuffer.allocate(1 + 4 + 8 + 4 + 4 + topic.length)
                        .put((byte) 2)
                        .putInt(0)
                        .putLong(0)
                        .putInt(16)
                        .putInt(0)
                        .put(topic)
                        .array());
        text.prompts.clear();

        encoder = encoder(new LabelSetRules(1_000, 100, 200, 1 << 20));
        List<Record<byte[], Outcome<LabelEmbedding>>> out = punctuate();
        out.addAll(punctuate());
        assertThat(out).hasSize(40).allMatch(r -> r.value().ok());
        assertThat(text.prompts).as("from label 16 on").hasSize(48).startsWith("a label16");
    }

    @Test
    void aStepFetchesAtMostOneExampleByUrl() throws Exception {
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getByName("127.0.0.1"), 0), 4);
        server.createContext("/", ex -> {
            byte[] body = {(byte) Integer.parseInt(ex.getRequestURI().getPath().substring(1)), 0, 0};
            ex.sendResponseHeaders(200, body.length);
            try (java.io.OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        try {
            FetchSettings allowed = new FetchSettings(
                    true,
                    java.util.Set.of("127.0.0.1"),
                    java.util.Set.of("127.0.0.1"),
                    java.time.Duration.ofSeconds(2),
                    java.time.Duration.ofSeconds(2));
            LabelSetEncoder fetching = new LabelSetEncoder(
                    serdes.labelSet().deserializer(),
                    text,
                    new ExampleImages(new ImagePreparer(text, new ImageFetcher(allowed, 64), 64), text),
                    new LabelSetRules(1_000, 100, 200, 1 << 20),
                    share,
                    textThread,
                    progress,
                    1 << 20);
            fetching.init(context);
            encoder = fetching;
            String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
            LabelSet set = byExample(new int[] {1});
            set.getLabels()
                    .get(0)
                    .setExamples(List.of(
                            inlineExample(1),
                            new LabelExample(null, base + "2"),
                            new LabelExample(null, base + "3"),
                            inlineExample(4)));
            share.imageRead();
            assertThat(send("s", set)).isEmpty();
            assertThat(text.batches).containsExactly(List.of(1f, 2f));
            assertThat(punctuate()).hasSize(1);
            assertThat(text.batches).containsExactly(List.of(1f, 2f), List.of(3f, 4f));
        } finally {
            server.stop(0);
        }
    }
}
