package io.clipstream.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** TextCleaner against ftfy 6.3.1 + Python's html.unescape (tokenizer/cleaning.json, from make_tiny_tokenizer.py). */
class TextCleanerTest {

    static Stream<JsonNode> cases() {
        return StreamSupport.stream(
                TokenizerTestFiles.json("tokenizer/cleaning.json").spliterator(), false);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void fixTextMatchesFtfy(JsonNode c) {
        assertThat(TextCleaner.fixText(c.get("text").asText()))
                .isEqualTo(c.get("fix_text").asText());
    }

    @ParameterizedTest
    @MethodSource("cases")
    void cleanMatchesOpenClip(JsonNode c) {
        assertThat(TextCleaner.clean(c.get("text").asText()))
                .isEqualTo(c.get("clean").asText());
    }

    @Test
    void keepsCaseAndCollapsesWhitespace() {
        assertThat(TextCleaner.clean(" \t A  Photo\n\nOF a Dog \u3000")).isEqualTo("A Photo OF a Dog");
    }

    @Test
    void deeplyNestedEntitiesAreUnwoundLikeFtfy() {
        // ftfy.fix_text unwinds one level a pass until nothing changes (checked with ftfy 6.3.1: "&");
        // a '<' in the line turns ftfy's unescaping off, leaving it to html.unescape's two levels.
        String nested = "&" + "amp;".repeat(60);
        assertThat(TextCleaner.fixText(nested)).isEqualTo("&");
        assertThat(TextCleaner.fixText(nested + " <b>")).isEqualTo(nested + " <b>");
    }

    @Test
    void passesAreCappedForAbsurdNesting() {
        // ftfy would unwind all 5000 levels, one pass each; we stop after MAX_PASSES.
        String nested = "&" + "amp;".repeat(5_000);
        String cleaned = TextCleaner.fixText(nested);
        assertThat(cleaned).isEqualTo("&" + "amp;".repeat(5_000 - TextCleaner.MAX_PASSES));
    }
}
