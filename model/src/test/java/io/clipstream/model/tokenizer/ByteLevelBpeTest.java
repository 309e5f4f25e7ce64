package io.clipstream.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The BPE algorithm on GPT-2's real files (same merges as roberta-base, other ids), loaded through our reader,
 * against jtokkit's r50k_base (GPT-2's ids) as the oracle.
 */
class ByteLevelBpeTest {

    private static ByteLevelBpe gpt2;
    private static Encoding r50k;

    @BeforeAll
    static void load() throws IOException {
        var files = BpeFiles.readVocabAndMerges(
                TokenizerTestFiles.resource("gpt2/encoder.json"), TokenizerTestFiles.resource("gpt2/vocab.bpe"));
        assertThat(files.vocab()).hasSize(50257);
        assertThat(files.merges()).hasSize(50000);
        gpt2 = new ByteLevelBpe(files.vocab(), files.merges());
        r50k = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.R50K_BASE);
    }

    private static int[] oracle(String text) {
        var ids = r50k.encodeOrdinary(text);
        int[] out = new int[ids.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ids.get(i);
        }
        return out;
    }

    @Test
    void matchesGpt2OnEveryImageNetPrompt() throws IOException {
        // the 1,000 ImageNet class names and the 80 OpenAI templates the model module ships
        List<String> classes = lines("io/clipstream/model/imagenet_classnames.txt");
        List<String> templates = lines("io/clipstream/model/templates/openai.txt");
        assertThat(classes).hasSize(1000);
        assertThat(templates).hasSize(80);
        int compared = 0;
        for (String template : templates) {
            for (String name : classes) {
                String prompt = template.replace("{}", name);
                assertThat(gpt2.encode(prompt)).as(prompt).containsExactly(oracle(prompt));
                compared++;
            }
        }
        assertThat(compared).isEqualTo(80_000);
    }

    @Test
    void matchesGpt2OnAwkwardText() {
        var texts = new ArrayList<>(List.of(
                "Hello world",
                " Hello world ",
                "  multiple   spaces  ",
                "tabs\tand\nnew\n\nlines\r\n",
                "It's we'll they've I'm you'd he'd 'S 'LL don't",
                "''''",
                "a'sb 's",
                "digits 1234567890 3.14159 1,000,000 ١٢٣ ½ ① 2024-05-01",
                "emoji 😀🐶 👩‍👩‍👧 🇩🇪 ❤️ 🏳️‍🌈",
                "中文字符 日本語のテキスト 한국어 텍스트",
                "café naïve résumé Ångström Straße e\u0301 A\u030a",
                "العربية עברית हिन्दी ไทย",
                "punctuation!!! ... ?!? --- (x) [y] {z} @u #t $5 100% a/b\\c <|endoftext|>",
                "\u00a0nbsp\u2003em\u3000ideo",
                "ﬁ ﬂ ＡＢＣ “curly” ‘quotes’",
                "x".repeat(300),
                " ".repeat(17) + "end",
                "end" + " ".repeat(17),
                "\n\n\n",
                "",
                "a",
                " ",
                "\uFFFD\uFEFF\u200B"));
        for (int cp = 0x20; cp < 0x3000; cp += 7) {
            texts.add("a" + new String(Character.toChars(cp)) + "b " + cp);
        }
        for (String text : texts) {
            assertThat(gpt2.encode(text)).as(text).containsExactly(oracle(text));
        }
    }

    @Test
    void spellsTokensWithGpt2ByteSymbols() {
        assertThat(gpt2.tokens("Hello world")).containsExactly("Hello", "\u0120world");
        String[] symbols = ByteLevelBpe.byteSymbols();
        assertThat(new HashSet<>(List.of(symbols))).hasSize(256);
        assertThat(symbols[' ']).isEqualTo("\u0120");
        assertThat(symbols['A']).isEqualTo("A");
        assertThat(symbols[0]).isEqualTo("\u0100");
    }

    @Test
    void limitStopsEarlyAndKeepsThePrefix() {
        String text = "the quick brown fox jumps over the lazy dog ".repeat(50);
        int[] all = gpt2.encode(text);
        assertThat(gpt2.encode(text, 75)).containsExactly(java.util.Arrays.copyOf(all, 75));
    }

    @Test
    void longSingleWordIsFast() {
        String word = "abcdefghij".repeat(2_000);
        assertThat(gpt2.encode(word)).containsExactly(oracle(word));
    }

    @Test
    void unpairedSurrogateIsRefused() {
        assertThatThrownBy(() -> gpt2.encode("bad \uD800 text"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("surrogate");
    }

    @Test
    void vocabularyWithoutByteSymbolsIsRefused() {
        assertThatThrownBy(() -> new ByteLevelBpe(Map.of("a", 0), List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("byte symbol");
    }

    private static List<String> lines(String name) throws IOException {
        return Files.readAllLines(TokenizerTestFiles.resource(name)).stream()
                .filter(l -> !l.isBlank())
                .toList();
    }
}
