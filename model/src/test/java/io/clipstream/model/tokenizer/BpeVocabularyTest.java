package io.clipstream.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BpeVocabularyTest {

    @Test
    void addedTokensWinOverTheVocabularyAndMissingTokensAreNamed() {
        var v = new BpeVocabulary(
                Map.of("<s>", 5, "a", 7), List.of(), List.of(new BpeVocabulary.AddedToken(0, "<s>", false, false)));
        assertThat(v.idOf("<s>")).isZero();
        assertThat(v.idOf("a")).isEqualTo(7);
        assertThatThrownBy(() -> v.idOf("<pad>"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("<pad>");
    }

    @Test
    void isImmutable() {
        var vocab = new HashMap<>(Map.of("a", 0));
        var v = new BpeVocabulary(vocab, List.of(), List.of());
        vocab.put("b", 1);
        assertThat(v.vocab()).containsOnlyKeys("a");
        assertThatThrownBy(() -> v.vocab().put("c", 2)).isInstanceOf(UnsupportedOperationException.class);
    }
}
