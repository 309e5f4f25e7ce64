package io.clipstream.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Golden ids from make_tiny_tokenizer.py (ftfy + html.unescape + OpenAI's encoder.py BPE + open_clip framing). */
class ClipTokenizerTest {

    private static final Path TINY = TokenizerTestFiles.resource("tiny-model");
    private static ClipTokenizer tokenizer;

    @BeforeAll
    static void load() throws IOException {
        tokenizer = ClipTokenizer.load(TINY);
    }

    static Stream<JsonNode> golden() {
        return StreamSupport.stream(
                TokenizerTestFiles.json("tiny-model/golden/token_ids.json").spliterator(), false);
    }

    @ParameterizedTest
    @MethodSource("golden")
    void matchesTheGoldenIds(JsonNode c) {
        int[] expected = TokenizerTestFiles.ints(c.get("ids"));
        assertThat(tokenizer.encode(c.get("text").asText())).containsExactly(expected);
    }

    @ParameterizedTest
    @MethodSource("golden")
    void unpaddedIsTheGoldenWithoutPadding(JsonNode c) {
        int[] expected = TokenizerTestFiles.ints(c.get("ids"));
        int end = expected.length;
        while (expected[end - 1] == 1) {
            end--;
        }
        assertThat(tokenizer.encodeUnpadded(c.get("text").asText())).containsExactly(Arrays.copyOf(expected, end));
    }

    @ParameterizedTest
    @MethodSource("golden")
    void everyFileLayoutGivesTheSameIds(JsonNode c) throws IOException {
        String text = c.get("text").asText();
        var fromTxt =
                new ClipTokenizer(BpeFiles.readVocabAndMerges(TINY.resolve("vocab.json"), TINY.resolve("merges.txt")));
        var fromStrings = ClipTokenizer.load(TokenizerTestFiles.resource("tokenizer-variants"));
        assertThat(fromTxt.encode(text)).containsExactly(tokenizer.encode(text));
        assertThat(fromStrings.encode(text)).containsExactly(tokenizer.encode(text));
        assertThat(ClipTokenizer.tiny().encode(text)).containsExactly(tokenizer.encode(text));
    }

    @Test
    void framingAndPadding() {
        assertThat(tokenizer.contextLength()).isEqualTo(77);
        assertThat(tokenizer.padId()).isEqualTo(1);
        assertThat(tokenizer.encode("")).hasSize(77).startsWith(0, 2, 1);
        int[] longIds = tokenizer.encode("dog ".repeat(200));
        assertThat(longIds).hasSize(77);
        assertThat(longIds[0]).isZero();
        assertThat(longIds[76]).isEqualTo(2);
        assertThat(tokenizer.encodeUnpadded("dog ".repeat(200))).containsExactly(longIds);
    }

    @Test
    void specialTokensInTheTextAreMatchedVerbatim() throws IOException {
        // Hugging Face splits added tokens out before BPE; <mask> (lstrip) swallows the space before it.
        var vocab = BpeFiles.readVocabAndMerges(TINY.resolve("vocab.json"), TINY.resolve("merges.txt"))
                .vocab();
        int a = vocab.get("a");
        int spaceB = vocab.get("\u0120b");
        assertThat(tokenizer.encodeUnpadded("a <mask> b")).containsExactly(0, a, 999, spaceB, 2);
        assertThat(tokenizer.tokens("a <mask> b")).containsExactly("a", "<mask>", "\u0120b");
        assertThat(tokenizer.tokens("x</s>")).containsExactly("x", "</s>");
    }

    @Test
    void tenThousandCharacterPromptIsFine() {
        String prompt = "a photo of a great white shark swimming &amp; ﬁshing "
                .repeat(200)
                .substring(0, 10_000);
        int[] ids = tokenizer.encode(prompt);
        assertThat(ids).hasSize(77);
        assertThat(ids[76]).isEqualTo(2);
        String word = "x".repeat(10_000);
        assertThat(tokenizer.encode(word)).hasSize(77);
    }

    @Test
    void overlongPromptIsRefused() {
        assertThatThrownBy(() -> tokenizer.encode("a".repeat(ClipTokenizer.MAX_TEXT_CHARS + 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("characters");
        assertThatThrownBy(() -> tokenizer.encode(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void threadsShareOneTokenizer() throws Exception {
        var texts = golden().map(c -> c.get("text").asText()).toList();
        var pool = Executors.newFixedThreadPool(4);
        try {
            var futures = new java.util.ArrayList<Future<Boolean>>();
            for (int t = 0; t < 8; t++) {
                futures.add(pool.submit(() -> {
                    var fresh = ClipTokenizer.load(TINY);
                    for (String text : texts) {
                        if (!Arrays.equals(fresh.encode(text), tokenizer.encode(text))) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (var f : futures) {
                assertThat(f.get()).isTrue();
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void missingOrCorruptFilesAreNamed(@TempDir Path dir) throws IOException {
        assertThatThrownBy(() -> ClipTokenizer.load(dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tokenizer.json")
                .hasMessageContaining("merges.txt");
        Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": {\"vocab\": {\"a\": 0}, \"merges\": [");
        assertThatThrownBy(() -> ClipTokenizer.load(dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not valid JSON");
        Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": {\"vocab\": {\"a\": 0}, \"merges\": []}}");
        assertThatThrownBy(() -> ClipTokenizer.load(dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("byte symbol");
    }
}
