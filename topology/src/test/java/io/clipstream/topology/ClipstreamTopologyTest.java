package io.clipstream.topology;

import static io.clipstream.topology.Harness.bytes;
import static io.clipstream.topology.Harness.inline;
import static io.clipstream.topology.Harness.labelSet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.clipstream.model.ClipModel;
import io.clipstream.model.zeroshot.ZeroShotClassifier;
import io.clipstream.schemas.Classification;
import io.clipstream.schemas.DeadLetter;
import io.clipstream.schemas.ErrorCode;
import io.clipstream.schemas.ImageEmbedding;
import io.clipstream.schemas.Label;
import io.clipstream.schemas.LabelEmbedding;
import io.clipstream.schemas.LabelScore;
import io.clipstream.schemas.LabelSet;
import io.clipstream.topology.TopologySettings.FetchSettings;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole topology through TopologyTestDriver with the real tiny random-weight model. */
class ClipstreamTopologyTest {
    private static final List<String> TEMPLATES = List.of("a photo of a {}.", "a drawing of a {}.");
    private static final Duration LONG = Duration.ofHours(1);

    @TempDir
    Path stateDir;

    private final TinyClip.Counting encoders = new TinyClip.Counting();

    private Harness harness(TopologySettings settings) {
        return new Harness(settings, encoders, stateDir);
    }

    private static TopologySettings batchOf(int n) {
        return TopologySettings.defaults().withBatch(n, LONG).withOverlapTower(false);
    }

    @Test
    void classifiesWithTheScoresTheModelComputesDirectly() {
        LabelSet set = labelSet("animals", 3, TEMPLATES, "cat", "dog", "diagram", "car", "tree", "boat");
        set.getLabels().get(0).setThreshold(-1f); // every cosine reaches it: always flagged
        set.getLabels().get(1).setThreshold(1f); // only an identical direction reaches it: never flagged here
        byte[][] images = {TinyClip.png(1, 64, 48), TinyClip.png(2, 300, 200), TinyClip.png(3, 31, 90)};
        try (Harness h = harness(batchOf(3).withImageEmbeddings(true))) {
            h.sendLabelSet(set);
            for (int i = 0; i < images.length; i++) {
                h.sendImage(inline("img-" + i, "animals", images[i]));
            }
            List<org.apache.kafka.streams.KeyValue<String, Classification>> out = h.readClassifications();
            List<ImageEmbedding> vectors = h.readImageEmbeddings();
            assertThat(h.readDeadLetters()).isEmpty();
            assertThat(out).hasSize(3);
            assertThat(vectors).hasSize(3);

            ClipModel model = TinyClip.model();
            List<String> names = set.getLabels().stream().map(Label::getName).toList();
            float[][] unit = new float[names.size()][];
            for (int l = 0; l < unit.length; l++) {
                String name = names.get(l);
                unit[l] = ZeroShotClassifier.ensemble(model.encodeTexts(
                        TEMPLATES.stream().map(t -> t.replace("{}", name)).toList()));
            }
            ZeroShotClassifier direct = new ZeroShotClassifier(names, unit, ZeroShotClassifier.OPEN_CLIP_SCALE);
            for (int i = 0; i < images.length; i++) {
                Classification c = out.get(i).value;
                assertThat(out.get(i).key).isEqualTo("img-" + i);
                assertThat(c.getImageId()).isEqualTo("img-" + i);
                assertThat(c.getLabelSet()).isEqualTo("animals");
                assertThat(c.getLabelSetVersion()).isEqualTo(3);
                assertThat(c.getModelId()).isEqualTo(model.id());
                assertThat(c.getEventTime()).isEqualTo(Harness.START.plusSeconds(1));
                assertThat(c.getAttributes()).containsEntry("camera", "img-" + i);
                float[] embedding;
                try {
                    embedding = model.encodeImages(List.of(model.preprocess(images[i])))[0];
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                List<ZeroShotClassifier.Score> expected = direct.classify(embedding);
                assertThat(c.getTop()).hasSize(5);
                for (int k = 0; k < 5; k++) {
                    LabelScore got = c.getTop().get(k);
                    assertThat(got.getLabel()).isEqualTo(expected.get(k).label());
                    assertThat(got.getProbability()).isCloseTo(expected.get(k).probability(), within(1e-4f));
                    assertThat(got.getSimilarity()).isCloseTo(expected.get(k).similarity(), within(1e-5f));
                }
                assertThat(c.getFlagged()).extracting(LabelScore::getLabel).containsExactly("cat");
                float[] expectedUnit = ZeroShotClassifier.normalize(embedding);
                List<Float> got = vectors.get(i).getEmbedding();
                assertThat(got).hasSize(expectedUnit.length);
                for (int d = 0; d < expectedUnit.length; d++) {
                    assertThat(got.get(d)).isCloseTo(expectedUnit[d], within(1e-5f));
                }
            }
            assertThat(encoders.batches).containsExactly(3);
            assertThat(h.metrics.batches).containsExactly(3);
            assertThat(h.metrics.latencies).hasSize(3);
        }
    }

    @Test
    void theTextTowerIsToldOnceEachTimeTheLastLabelSetIsWritten() {
        try (Harness h = harness(batchOf(1))) {
            assertThat(encoders.idles).hasValue(0);
            h.sendLabelSet(labelSet("s", 1, TEMPLATES, "apple", "pear"));
            assertThat(encoders.idles).hasValue(1);
            h.sendLabelSet(labelSet("t", 1, TEMPLATES, "plum"));
            assertThat(encoders.idles).hasValue(2);
            h.sendImage(inline("a", "s", TinyClip.png(5, 80, 80)));
            assertThat(h.readClassifications()).hasSize(1);
            assertThat(encoders.idles).as("images do not count").hasValue(2);
        }
    }

    @Test
    void anUpdateChangesLaterResultsAndNamesItsVersion() {
        byte[] image = TinyClip.png(5, 80, 80);
        try (Harness h = harness(batchOf(1))) {
            h.sendLabelSet(labelSet("s", 1, TEMPLATES, "apple", "pear"));
            h.sendImage(inline("a", "s", image));
            Classification before = h.readClassifications().get(0).value;
            assertThat(before.getLabelSetVersion()).isEqualTo(1);
            assertThat(before.getTop()).extracting(LabelScore::getLabel).containsExactlyInAnyOrder("apple", "pear");

            LabelSet version2 = labelSet("s", 2, TEMPLATES, "apple", "plum", "fig");
            version2.setTopK(2); // the set's own topK decides how many labels a classification lists
            List<org.apache.kafka.streams.KeyValue<String, LabelEmbedding>> update = h.sendLabelSet(version2);
            assertThat(update)
                    .filteredOn(kv -> kv.value == null)
                    .extracting(kv -> kv.key)
                    .containsExactly("s/pear");
            h.sendImage(inline("b", "s", image));
            Classification after = h.readClassifications().get(0).value;
            assertThat(after.getLabelSetVersion()).isEqualTo(2);
            assertThat(after.getTop())
                    .hasSize(2)
                    .extracting(LabelScore::getLabel)
                    .isSubsetOf("apple", "plum", "fig");
        }
    }

    @Test
    void aDeletedSetSendsLaterImagesToTheDeadLetterTopic() {
        try (Harness h = harness(batchOf(1))) {
            h.sendLabelSet(labelSet("gone", 1, TEMPLATES, "x", "y"));
            h.sendImage(inline("before", "gone", TinyClip.png(6, 40, 40)));
            assertThat(h.readClassifications()).hasSize(1);

            List<org.apache.kafka.streams.KeyValue<String, LabelEmbedding>> tombstones =
                    h.sendLabelSetBytes("gone", null);
            assertThat(tombstones).extracting(kv -> kv.key).containsExactlyInAnyOrder("gone/x", "gone/y");
            assertThat(tombstones).allMatch(kv -> kv.value == null);
            byte[] sent = h.sendImage(inline("after", "gone", TinyClip.png(7, 40, 40)));
            assertThat(h.readClassifications()).isEmpty();
            List<DeadLetter> dead = h.readDeadLetters();
            assertThat(dead).hasSize(1);
            assertThat(dead.get(0).getCode()).isEqualTo(ErrorCode.UNKNOWN_LABEL_SET);
            assertThat(bytes(dead.get(0).getOriginal())).isEqualTo(sent);
            assertThat(bytes(dead.get(0).getKey())).isEqualTo(bytes("after"));
        }
    }

    @Test
    void oneChangedLabelReencodesOnlyItsPrompts() {
        String[] names = {"l0", "l1", "l2", "l3", "l4", "l5", "l6", "l7", "l8", "l9"};
        try (Harness h = harness(batchOf(1))) {
            h.sendLabelSet(labelSet("big", 1, TEMPLATES, names));
            assertThat(encoders.prompts).hasSize(20);
            encoders.prompts.clear();

            String[] changed = names.clone();
            changed[4] = "zebra";
            List<org.apache.kafka.streams.KeyValue<String, LabelEmbedding>> out =
                    h.sendLabelSet(labelSet("big", 2, TEMPLATES, changed));
            assertThat(encoders.prompts).containsExactlyInAnyOrder("a photo of a zebra.", "a drawing of a zebra.");
            assertThat(out.stream().filter(kv -> kv.value != null))
                    .hasSize(10)
                    .allMatch(kv -> kv.value.getLabelSetVersion() == 2 && kv.value.getLabelCount() == 10);
            assertThat(out)
                    .filteredOn(kv -> kv.value == null)
                    .extracting(kv -> kv.key)
                    .containsExactly("big/l4");

            // the cached rows give the same label embeddings as fresh encoding
            LabelEmbedding l0 = out.stream()
                    .filter(kv -> kv.key.equals("big/l0"))
                    .findFirst()
                    .orElseThrow()
                    .value;
            float[] fresh = ZeroShotClassifier.ensemble(
                    TinyClip.model().encodeTexts(List.of("a photo of a l0.", "a drawing of a l0.")));
            for (int d = 0; d < fresh.length; d++) {
                assertThat(l0.getEmbedding().get(d)).isCloseTo(fresh[d], within(1e-6f));
            }
        }
    }

    @Test
    void underANewApplicationIdASetTheTableHoldsIsWrittenAgainWithoutTheTextTower(@TempDir Path otherStateDir) {
        LabelSet set = labelSet("animals", 3, TEMPLATES, "cat", "dog", "bird");
        List<org.apache.kafka.streams.KeyValue<String, LabelEmbedding>> first;
        try (Harness h = harness(batchOf(1))) {
            first = h.sendLabelSet(set);
        }
        assertThat(first).hasSize(3).allMatch(kv -> kv.value.getLabelSetDigest() != null);
        encoders.prompts.clear();

        // another application id: no prompt cache, no members, but the same label-embeddings topic
        try (Harness h = new Harness(batchOf(1), encoders, otherStateDir)) {
            h.putLabelEmbeddings(first);
            List<org.apache.kafka.streams.KeyValue<String, LabelEmbedding>> again = h.sendLabelSet(set);
            assertThat(encoders.prompts).isEmpty();
            assertThat(again).isEqualTo(first);
            h.sendImage(inline("img-1", "animals", TinyClip.png(1, 64, 48)));
            assertThat(h.readClassifications()).hasSize(1);

            // the same id and version with other content is encoded, and replaces the table's
            LabelSet changed = labelSet("animals", 3, TEMPLATES, "cat", "dog", "fish");
            List<org.apache.kafka.streams.KeyValue<String, LabelEmbedding>> encoded = h.sendLabelSet(changed);
            assertThat(encoders.prompts)
                    .containsExactlyInAnyOrder(
                            "a photo of a fish.",
                            "a drawing of a fish.",
                            "a photo of a cat.",
                            "a drawing of a cat.",
                            "a photo of a dog.",
                            "a drawing of a dog.");
            assertThat(encoded)
                    .filteredOn(kv -> kv.value != null)
                    .extracting(kv -> kv.value.getLabel())
                    .containsExactly("cat", "dog", "fish");
            assertThat(encoded.get(0).value.getLabelSetDigest())
                    .isNotEqualTo(first.get(0).value.getLabelSetDigest());
            assertThat(encoded)
                    .filteredOn(kv -> kv.value == null)
                    .extracting(kv -> kv.key)
                    .containsExactly("animals/bird");
        }
    }

    @Test
    void aBatchFlushesWhenFull() {
        try (Harness h = harness(batchOf(3))) {
            h.sendLabelSet(labelSet("s", 1, TEMPLATES, "a", "b"));
            h.sendImage(inline("1", "s", TinyClip.png(11, 40, 40)));
            h.sendImage(inline("2", "s", TinyClip.png(12, 40, 40)));
            assertThat(h.readClassifications()).isEmpty();
            h.sendImage(inline("3", "s", TinyClip.png(13, 40, 40)));
            assertThat(h.readClassifications()).extracting(kv -> kv.key).containsExactly("1", "2", "3");
            assertThat(encoders.batches).containsExactly(3);
            assertThat(h.metrics.batches).containsExactly(3);
            assertThat(h.metrics.latencies).hasSize(3);
        }
    }

    @Test
    void aPartialBatchFlushesWhenTheOldestImageHasWaitedMaxWait() {
        TopologySettings settings =
                TopologySettings.defaults().withBatch(8, Duration.ofMillis(50)).withOverlapTower(false);
        try (Harness h = harness(settings)) {
            h.sendLabelSet(labelSet("s", 1, TEMPLATES, "a", "b"));
            h.sendImage(inline("1", "s", TinyClip.png(21, 40, 40)));
            h.sendImage(inline("2", "s", TinyClip.png(22, 40, 40)));
            h.advance(Duration.ofMillis(30));
            assertThat(h.readClassifications()).isEmpty();
            h.advance(Duration.ofMillis(30));
            assertThat(h.readClassifications()).extracting(kv -> kv.key).containsExactly("1", "2");
            assertThat(encoders.batches).containsExactly(2);
        }
    }

    @Test
    void everyBadImageInputLandsInTheDeadLetterTopicWithItsCodeAndOriginalBytes() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            closedPort = s.getLocalPort();
        }
        FetchSettings fetch = new FetchSettings(
                true, Set.of("127.0.0.1"), Set.of("127.0.0.1"), Duration.ofSeconds(2), Duration.ofSeconds(2));
        TopologySettings settings =
                batchOf(10).withBatch(10, Duration.ofMillis(100)).withFetch(fetch);
        settings = new TopologySettings(
                settings.labelSetsTopic(),
                settings.labelEmbeddingsTopic(),
                settings.imagesTopic(),
                settings.classificationsTopic(),
                settings.imageEmbeddingsTopic(),
                settings.deadLetterTopic(),
                false,
                settings.batchSize(),
                settings.maxWait(),
                false,
                2,
                5,
                10_000,
                1_000,
                50_000,
                fetch);
        try (Harness h = harness(settings)) {
            h.sendLabelSet(labelSet("s", 1, TEMPLATES, "a", "b"));
            byte[] png = TinyClip.png(31, 40, 40);
            List<byte[]> sent = new ArrayList<>();
            List<ErrorCode> expected = new ArrayList<>();
            sent.add(h.sendImage(inline("corrupt", "s", Arrays.copyOf(png, png.length / 2))));
            expected.add(ErrorCode.CORRUPT_IMAGE);
            sent.add(h.sendImage(inline("not-an-image", "s", bytes("this is plain text, not an image"))));
            expected.add(ErrorCode.CORRUPT_IMAGE);
            sent.add(h.sendImage(inline("unsupported", "s", new byte[] {'M', 'M', 0, 0x2A, 0, 0, 0, 8})));
            expected.add(ErrorCode.UNSUPPORTED_IMAGE);
            sent.add(h.sendImage(inline("bomb", "s", TinyClip.pngHeader(30_000, 30_000))));
            expected.add(ErrorCode.IMAGE_TOO_LARGE);
            sent.add(h.sendImage(inline("bytes", "s", new byte[60_000])));
            expected.add(ErrorCode.IMAGE_TOO_LARGE);
            sent.add(h.sendImage(inline("unknown-set", "nope", png)));
            expected.add(ErrorCode.UNKNOWN_LABEL_SET);
            sent.add(h.sendImage(Harness.url("ftp", "s", "ftp://127.0.0.1/x.png")));
            expected.add(ErrorCode.FETCH_REFUSED);
            sent.add(h.sendImage(Harness.url("closed", "s", "http://127.0.0.1:" + closedPort + "/x.png")));
            expected.add(ErrorCode.FETCH_FAILED);
            byte[] garbage = {0, 0, 0, 0x7f, 0x12, 1, 2, 3}; // magic byte 0, a schema id nobody registered
            h.images.pipeInput(bytes("garbage"), garbage);
            sent.add(garbage);
            expected.add(ErrorCode.UNREADABLE_RECORD);
            h.images.pipeInput(
                    bytes("ok"),
                    h.serdes.imageEvent().serializer().serialize(settings.imagesTopic(), inline("ok", "s", png)));

            List<DeadLetter> dead = new ArrayList<>(h.readDeadLetters());
            List<String> classified = new ArrayList<>();
            h.readClassifications().forEach(kv -> classified.add(kv.key));
            for (int i = 0; i < 200 && dead.size() < expected.size(); i++) { // a URL is ready once fetched
                Thread.sleep(10);
                h.advance(Duration.ofMillis(100));
                dead.addAll(h.readDeadLetters());
                h.readClassifications().forEach(kv -> classified.add(kv.key));
            }
            assertThat(classified).containsExactly("ok");
            dead.sort(java.util.Comparator.comparingLong(DeadLetter::getOffset));
            assertThat(dead).extracting(DeadLetter::getCode).containsExactlyElementsOf(expected);
            java.util.Map<ErrorCode, Integer> counted = new java.util.EnumMap<>(ErrorCode.class);
            expected.forEach(code -> counted.merge(code, 1, Integer::sum));
            assertThat(h.metrics.deadLetters).as("dead letters counted by code").isEqualTo(counted);
            assertThat(h.metrics.latencies).as("images counted as classified").hasSize(1);
            for (int i = 0; i < dead.size(); i++) {
                assertThat(bytes(dead.get(i).getOriginal()))
                        .as("original bytes of %s", expected.get(i))
                        .isEqualTo(sent.get(i));
                assertThat(dead.get(i).getTopic()).isEqualTo("images");
                assertThat(dead.get(i).getOffset()).isEqualTo(i);
                assertThat(dead.get(i).getMessage()).isNotBlank();
            }
        }
    }

    @Test
    void badLabelSetsLandInTheDeadLetterTopicAndLeaveTheTableAlone() {
        TopologySettings settings = batchOf(1).withLimits(4, 40);
        try (Harness h = harness(settings)) {
            h.sendLabelSet(labelSet("s", 1, TEMPLATES, "a", "b"));
            List<byte[]> sent = new ArrayList<>();
            List<LabelSet> bad = List.of(
                    labelSet("s", 2, TEMPLATES), // no labels
                    labelSet("s", 2, TEMPLATES, "a", "a"), // duplicate
                    labelSet("s", 2, List.of("a photo"), "a", "c"), // template without {}
                    labelSet("s", 2, TEMPLATES, "1", "2", "3", "4", "5"), // more than 4 labels
                    labelSet("s", 2, TEMPLATES, "a very long label name that makes a long prompt"),
                    labelSet("s", 0, TEMPLATES, "older")); // older than version 1
            for (LabelSet set : bad) {
                byte[] value = h.serdes.labelSet().serializer().serialize("label-sets", set);
                sent.add(value);
                assertThat(h.sendLabelSetBytes("s", value)).isEmpty();
            }
            byte[] garbage = bytes("not avro at all");
            sent.add(garbage);
            assertThat(h.sendLabelSetBytes("s", garbage)).isEmpty();

            List<DeadLetter> dead = h.readDeadLetters();
            assertThat(dead)
                    .extracting(DeadLetter::getCode)
                    .containsExactly(
                            ErrorCode.INVALID_LABEL_SET,
                            ErrorCode.INVALID_LABEL_SET,
                            ErrorCode.INVALID_LABEL_SET,
                            ErrorCode.INVALID_LABEL_SET,
                            ErrorCode.INVALID_LABEL_SET,
                            ErrorCode.INVALID_LABEL_SET,
                            ErrorCode.UNREADABLE_RECORD);
            for (int i = 0; i < dead.size(); i++) {
                assertThat(bytes(dead.get(i).getOriginal())).isEqualTo(sent.get(i));
                assertThat(dead.get(i).getTopic()).isEqualTo("label-sets");
            }
            h.sendImage(inline("still", "s", TinyClip.png(41, 40, 40)));
            Classification c = h.readClassifications().get(0).value;
            assertThat(c.getLabelSetVersion()).isEqualTo(1);
            assertThat(c.getTop()).extracting(LabelScore::getLabel).containsExactlyInAnyOrder("a", "b");
        }
    }

    @Test
    void everyOutputCarriesItsInputsHeadersSoTraceContextSurvives() {
        String trace = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        org.apache.kafka.common.header.internals.RecordHeaders headers =
                new org.apache.kafka.common.header.internals.RecordHeaders();
        headers.add("traceparent", bytes(trace));
        headers.add("x-correlation-id", bytes("order-17"));
        try (Harness h = harness(batchOf(2).withImageEmbeddings(true))) {
            LabelSet set = labelSet("s", 1, TEMPLATES, "a", "b");
            h.labelSets.pipeInput(new org.apache.kafka.streams.test.TestRecord<>(
                    bytes("s"), h.serdes.labelSet().serializer().serialize(h.settings.labelSetsTopic(), set), headers));
            List<org.apache.kafka.streams.test.TestRecord<byte[], byte[]>> embeddings =
                    h.labelEmbeddingsOut.readRecordsToList();
            assertThat(embeddings)
                    .hasSize(2)
                    .allSatisfy(r -> assertThat(header(r, "traceparent")).isEqualTo(trace));
            embeddings.forEach(r -> h.labelEmbeddingsIn.pipeInput(r.key(), r.value()));

            byte[] good = h.serdes
                    .imageEvent()
                    .serializer()
                    .serialize(h.settings.imagesTopic(), inline("good", "s", TinyClip.png(4, 40, 40)));
            byte[] bad = h.serdes
                    .imageEvent()
                    .serializer()
                    .serialize(h.settings.imagesTopic(), inline("bad", "s", bytes("not an image")));
            h.images.pipeInput(new org.apache.kafka.streams.test.TestRecord<>(bytes("good"), good, headers));
            h.images.pipeInput(new org.apache.kafka.streams.test.TestRecord<>(bytes("bad"), bad, headers));
            assertThat(header(h.classifications.readRecord(), "traceparent")).isEqualTo(trace);
            assertThat(header(h.imageEmbeddings.readRecord(), "x-correlation-id"))
                    .isEqualTo("order-17");
            assertThat(header(h.deadLetters.readRecord(), "traceparent")).isEqualTo(trace);
        }
    }

    @Test
    void classificationsThatFlagALabelAlsoGoToTheFlaggedTopicWithTheSameKeyValueAndHeaders() {
        org.apache.kafka.common.header.internals.RecordHeaders headers =
                new org.apache.kafka.common.header.internals.RecordHeaders();
        headers.add("traceparent", bytes("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
        LabelSet review = labelSet("review", 1, TEMPLATES, "weapon", "tree");
        review.getLabels().get(0).setThreshold(-1f); // every cosine reaches it: always flagged
        LabelSet plain = labelSet("plain", 1, TEMPLATES, "weapon", "tree"); // no thresholds: never flagged
        try (Harness h = harness(batchOf(3).withFlaggedTopic("flagged"))) {
            org.apache.kafka.streams.TestOutputTopic<byte[], byte[]> flagged = h.driver.createOutputTopic(
                    "flagged",
                    new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                    new org.apache.kafka.common.serialization.ByteArrayDeserializer());
            h.sendLabelSet(review);
            h.sendLabelSet(plain);
            for (String[] image : new String[][] {{"a", "review"}, {"b", "plain"}, {"c", "review"}}) {
                byte[] value = h.serdes
                        .imageEvent()
                        .serializer()
                        .serialize(
                                h.settings.imagesTopic(),
                                inline(image[0], image[1], TinyClip.png(image[0].charAt(0), 40, 40)));
                h.images.pipeInput(new org.apache.kafka.streams.test.TestRecord<>(bytes(image[0]), value, headers));
            }
            List<org.apache.kafka.streams.test.TestRecord<byte[], byte[]>> all = h.classifications.readRecordsToList();
            List<org.apache.kafka.streams.test.TestRecord<byte[], byte[]>> review2 = flagged.readRecordsToList();
            assertThat(all).hasSize(3);
            assertThat(review2)
                    .extracting(r -> new String(r.key(), java.nio.charset.StandardCharsets.UTF_8))
                    .containsExactly("a", "c");
            for (int i = 0; i < 2; i++) {
                org.apache.kafka.streams.test.TestRecord<byte[], byte[]> same = all.get(i == 0 ? 0 : 2);
                assertThat(review2.get(i).value()).isEqualTo(same.value());
                assertThat(review2.get(i).headers()).isEqualTo(same.headers());
                assertThat(header(review2.get(i), "traceparent"))
                        .isEqualTo(header(same, "traceparent"))
                        .isNotNull();
                Classification c = h.serdes
                        .classification()
                        .deserializer()
                        .deserialize("flagged", review2.get(i).value());
                assertThat(c.getFlagged()).extracting(LabelScore::getLabel).containsExactly("weapon");
            }
        }
    }

    @Test
    void withoutAFlaggedTopicNothingElseIsWritten() {
        assertThat(TopologySettings.defaults().flaggedTopicEnabled()).isFalse();
        LabelSet review = labelSet("review", 1, TEMPLATES, "weapon", "tree");
        review.getLabels().get(0).setThreshold(-1f);
        try (Harness h = harness(batchOf(1))) {
            h.sendLabelSet(review);
            h.sendImage(inline("a", "review", TinyClip.png(9, 40, 40)));
            assertThat(h.readClassifications()).hasSize(1);
            assertThat(h.driver.producedTopicNames()).doesNotContain("flagged", "");
        }
    }

    @Test
    void anInputWithHeadersOverTheLimitIsOneRecordTooLargeDeadLetterWithoutThem() {
        org.apache.kafka.common.header.internals.RecordHeaders headers =
                new org.apache.kafka.common.header.internals.RecordHeaders();
        headers.add("blob", new byte[RecordLimits.MAX_HEADER_BYTES + 1]);
        try (Harness h = harness(batchOf(1))) {
            h.sendLabelSet(labelSet("s", 1, TEMPLATES, "a", "b"));
            byte[] value = h.serdes
                    .imageEvent()
                    .serializer()
                    .serialize(h.settings.imagesTopic(), inline("x", "s", TinyClip.png(4, 40, 40)));
            h.images.pipeInput(new org.apache.kafka.streams.test.TestRecord<>(bytes("x"), value, headers));
            org.apache.kafka.streams.test.TestRecord<byte[], byte[]> dead = h.deadLetters.readRecord();
            assertThat(dead.headers().toArray()).isEmpty();
            assertThat(h.serdes
                            .deadLetter()
                            .deserializer()
                            .deserialize(h.settings.deadLetterTopic(), dead.value())
                            .getCode())
                    .isEqualTo(ErrorCode.RECORD_TOO_LARGE);
            assertThat(h.classifications.isEmpty()).isTrue();
        }
    }

    @Test
    void headersRightAtTheLimitAreCarried() {
        org.apache.kafka.common.header.internals.RecordHeaders headers =
                new org.apache.kafka.common.header.internals.RecordHeaders();
        headers.add("blob", new byte[RecordLimits.MAX_HEADER_BYTES - 4 * 3 - 8]); // headerBytes() == the limit
        try (Harness h = harness(batchOf(1))) {
            h.sendLabelSet(labelSet("s", 1, TEMPLATES, "a", "b"));
            byte[] value = h.serdes
                    .imageEvent()
                    .serializer()
                    .serialize(h.settings.imagesTopic(), inline("x", "s", TinyClip.png(4, 40, 40)));
            h.images.pipeInput(new org.apache.kafka.streams.test.TestRecord<>(bytes("x"), value, headers));
            assertThat(h.classifications
                            .readRecord()
                            .headers()
                            .lastHeader("blob")
                            .value())
                    .hasSize(RecordLimits.MAX_HEADER_BYTES - 20);
            assertThat(h.deadLetters.isEmpty()).isTrue();
        }
    }

    private static String header(org.apache.kafka.streams.test.TestRecord<byte[], byte[]> record, String key) {
        org.apache.kafka.common.header.Header h = record.headers().lastHeader(key);
        return h == null ? null : new String(h.value(), java.nio.charset.StandardCharsets.UTF_8);
    }
}
