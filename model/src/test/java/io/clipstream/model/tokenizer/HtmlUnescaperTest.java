package io.clipstream.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** HtmlUnescaper against Python's html.unescape (tokenizer/cleaning.json). */
class HtmlUnescaperTest {

    static java.util.stream.Stream<JsonNode> cases() {
        return TextCleanerTest.cases();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void matchesPythonHtmlUnescape(JsonNode c) {
        assertThat(HtmlUnescaper.unescape(c.get("text").asText()))
                .isEqualTo(c.get("unescape").asText());
    }

    @Test
    void ftfyOnlyDecodesCompleteReferences() {
        // ftfy's table needs the ';' ("&amp" stays), Python's does not
        assertThat(HtmlUnescaper.ftfyUnescape("&amp &amp; &EACUTE;")).isEqualTo("&amp & \u00c9");
        assertThat(HtmlUnescaper.unescape("&amp &amp;")).isEqualTo("& &");
    }
}
