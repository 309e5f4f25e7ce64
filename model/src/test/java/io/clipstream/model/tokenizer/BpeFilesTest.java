package io.clipstream.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BpeFilesTest {

    private static final Path TINY = TokenizerTestFiles.resource("tiny-model");

    @Test
    void theThreeLayoutsReadTheSameVocabulary() throws IOException {
        var pairs = BpeFiles.readTokenizerJson(TINY.resolve("tokenizer.json"));
        var strings = BpeFiles.readTokenizerJson(TokenizerTestFiles.resource("tokenizer-variants/tokenizer.json"));
        var txt = BpeFiles.readVocabAndMerges(TINY.resolve("vocab.json"), TINY.resolve("merges.txt"));
        assertThat(pairs.vocab()).hasSize(1000).isEqualTo(strings.vocab()).isEqualTo(txt.vocab());
        assertThat(pairs.merges()).hasSize(739).isEqualTo(strings.merges()).isEqualTo(txt.merges());
        assertThat(pairs.addedTokens()).isEqualTo(strings.addedTokens()).isEqualTo(txt.addedTokens());
        assertThat(pairs.idOf("<s>")).isZero();
        assertThat(pairs.idOf("<pad>")).isEqualTo(1);
        assertThat(pairs.idOf("</s>")).isEqualTo(2);
        assertThat(pairs.idOf("<mask>")).isEqualTo(999);
    }

    @Test
    void mergesTxtSkipsOnlyTheVersionLine() {
        var merges = BpeFiles.parseMergesTxt("#version: 0.2\nĠ t\n#x y\n", "m");
        assertThat(merges).containsExactly(new BpeVocabulary.Merge("Ġ", "t"), new BpeVocabulary.Merge("#x", "y"));
    }

    @Test
    void missingFileIsNamed(@TempDir Path dir) {
        assertThatThrownBy(() -> BpeFiles.readTokenizerJson(dir.resolve("tokenizer.json")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not found")
                .hasMessageContaining("tokenizer.json");
    }

    @Test
    void truncatedJsonIsNamed(@TempDir Path dir) throws IOException {
        String good = Files.readString(TINY.resolve("tokenizer.json"));
        Path bad = Files.writeString(dir.resolve("tokenizer.json"), good.substring(0, good.length() / 2));
        assertThatThrownBy(() -> BpeFiles.readTokenizerJson(bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not valid JSON");
    }

    @Test
    void wrongShapesAreNamed(@TempDir Path dir) throws IOException {
        assertThatThrownBy(() -> BpeFiles.readTokenizerJson(Files.writeString(dir.resolve("a.json"), "[1,2]")))
                .hasMessageContaining("no \"model\" object");
        assertThatThrownBy(() -> BpeFiles.readTokenizerJson(Files.writeString(
                        dir.resolve("b.json"), "{\"model\":{\"type\":\"WordPiece\",\"vocab\":{\"a\":0}}}")))
                .hasMessageContaining("not BPE");
        assertThatThrownBy(() -> BpeFiles.readTokenizerJson(
                        Files.writeString(dir.resolve("c.json"), "{\"model\":{\"vocab\":{\"a\":-4},\"merges\":[]}}")))
                .hasMessageContaining("bad id");
        assertThatThrownBy(() -> BpeFiles.readTokenizerJson(Files.writeString(
                        dir.resolve("d.json"), "{\"model\":{\"vocab\":{\"a\":0},\"merges\":[[\"a\"]]}}")))
                .hasMessageContaining("merge 0");
        assertThatThrownBy(() -> BpeFiles.readTokenizerJson(Files.writeString(
                        dir.resolve("e.json"), "{\"model\":{\"vocab\":{\"a\":0},\"merges\":[\"a b c\"]}}")))
                .hasMessageContaining("merge 0");
        assertThatThrownBy(() -> BpeFiles.readTokenizerJson(Files.writeString(
                        dir.resolve("f.json"),
                        "{\"model\":{\"vocab\":{\"a\":0},\"merges\":[]},\"added_tokens\":[{\"id\":\"x\"}]}")))
                .hasMessageContaining("malformed added token");
    }

    @Test
    void badMergesLineIsNamed(@TempDir Path dir) throws IOException {
        Path vocab = Files.copy(TINY.resolve("vocab.json"), dir.resolve("vocab.json"));
        Path merges = Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\nĠ t\nonlyone\n");
        assertThatThrownBy(() -> BpeFiles.readVocabAndMerges(vocab, merges))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line 3");
    }

    @Test
    void invalidUtf8MergesAreRefused(@TempDir Path dir) throws IOException {
        Path vocab = Files.copy(TINY.resolve("vocab.json"), dir.resolve("vocab.json"));
        Path merges = Files.write(dir.resolve("merges.txt"), new byte[] {'a', ' ', (byte) 0xC3});
        assertThatThrownBy(() -> BpeFiles.readVocabAndMerges(vocab, merges)).hasMessageContaining("UTF-8");
    }
}
