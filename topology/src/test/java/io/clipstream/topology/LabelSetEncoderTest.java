package io.clipstream.topology;

import io.clipstream.schemas.DeadLetter;
import io.clipstream.schemas.ErrorCode;
import io.clipstream.schemas.LabelEmbedding;
import io.clipstream.schemas.LabelSet;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.clipstream.topology.Harness.labelSet;
import static org.assertj.core.api.Assertions.assertThat;

/** The encoder alone, with a fake text tower: caching, re-sends, deletes and a failing tower. */
class LabelSetEncoderTest {
    private static final List<String> T = List.of("a {}", "the {}");
    private final RecordSerdes serdes = RecordSerdes.configured(Map.of("schema.registry.url", "mock://encoder-" + UUID.randomUUID()));
    private final FakeEncoders text = new FakeEncoders();
    private MockProcessorContext<byte[], SpecificRecord> context;
    private LabelSetEncoder encoder;

    @BeforeEach
    void init() {
        context = new MockProcessorContext<>();
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
        pending.init(context.getStateStoreContext(), pending);
        context.addStateStore(pending);
        cache.init(context.getStateStoreContext(), cache);
        members.init(context.getStateStoreContext(), members);
        context.addStateStore(cache);
        context.addStateStore(members);
        encoder = new LabelSetEncoder(serdes.labelSet().deserializer(), text, new LabelSetRules(100, 100), 3);
        encoder.init(context);
    }

    private List<Record<byte[], SpecificRecord>> send(String key, LabelSet set) {
        context.resetForwards();
        context.setRecordMetadata("label-sets", 0, 0);
        byte[] value = set == null ? null : serdes.labelSet().serializer().serialize("label-sets", set);
        encoder.process(new Record<>(Harness.bytes(key), value, 0L));
        List<Record<byte[], SpecificRecord>> out = new java.util.ArrayList<>();
        for (var forward : context.forwarded()) {
            out.add(new Record<>(forward.record().key(), forward.record().value(), forward.record().timestamp()));
        }
        return out;
    }

    private List<Record<byte[], SpecificRecord>> punctuate() {
        context.resetForwards();
        context.scheduledPunctuators().get(0).getPunctuator().punctuate(0);
        List<Record<byte[], SpecificRecord>> out = new java.util.ArrayList<>();
        for (var forward : context.forwarded()) {
            out.add(new Record<>(forward.record().key(), forward.record().value(), forward.record().timestamp()));
        }
        return out;
    }

    @Test
    void aLargeSetIsEncodedAFewPromptsPerStepAndWrittenWhenComplete() {
        assertThat(send("s", labelSet("s", 1, T, "cat", "dog", "emu"))).isEmpty();     // 6 prompts, 3 per step
        assertThat(text.prompts).containsExactly("a cat", "the cat", "a dog");
        assertThat(punctuate()).extracting(r -> new String(r.key())).containsExactly("s/cat", "s/dog", "s/emu");
        assertThat(text.prompts).hasSize(6);
        assertThat(punctuate()).isEmpty();
    }

    @Test
    void aTombstoneCancelsAParkedSet() {
        assertThat(send("s", labelSet("s", 1, T, "cat", "dog", "emu"))).isEmpty();
        assertThat(send("s", null)).isEmpty();
        assertThat(punctuate()).isEmpty();
        assertThat(text.prompts).hasSize(3);
    }

    @Test
    void writesOneEmbeddingPerLabelWithItsPlaceInTheSet() {
        List<Record<byte[], SpecificRecord>> out = send("s", labelSet("s", 5, T, "cat"));
        assertThat(out).hasSize(1);
        out = send("s", labelSet("s", 5, T, "cat", "dog"));
        assertThat(out).extracting(r -> new String(r.key())).containsExactly("s/cat", "s/dog");
        LabelEmbedding dog = (LabelEmbedding) out.get(1).value();
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

        List<Record<byte[], SpecificRecord>> deleted = send("s", null);
        assertThat(deleted).extracting(r -> new String(r.key())).containsExactly("s/cat", "s/dog");
        assertThat(deleted).allMatch(r -> r.value() == null);
        assertThat(send("s", null)).isEmpty();          // deleting again: nothing left to delete
    }

    @Test
    void aFailingTextTowerIsAModelErrorAndChangesNothing() {
        send("s", labelSet("s", 1, T, "cat"));
        text.textTowerBroken = true;
        List<Record<byte[], SpecificRecord>> out = send("s", labelSet("s", 2, T, "cat", "emu"));
        assertThat(out).hasSize(1);
        assertThat(((DeadLetter) out.get(0).value()).getCode()).isEqualTo(ErrorCode.MODEL_ERROR);
        text.textTowerBroken = false;
        assertThat(send("s", null)).extracting(r -> new String(r.key())).containsExactly("s/cat");
    }
}
