package io.clipstream.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CleanerTablesTest {

    @Test
    void tablesHaveTheSizesOfPythonsAndFtfys() {
        var t = CleanerTables.INSTANCE;
        assertThat(t.html5()).hasSize(2231).containsEntry("amp", "&").containsEntry("amp;", "&");
        assertThat(t.c1Controls()).hasSize(32).containsEntry(0x80, "\u20ac");
        assertThat(t.ligatures()).containsEntry(0xFB01, "fi");
        assertThat(t.widths()).containsEntry(0xFF21, "A").containsEntry(0x3000, " ");
        assertThat(t.controls()).contains(0x00, 0x0B, 0x1F, 0x7F, 0xFEFF).doesNotContain(0x09, 0x0A, 0x0D);
    }

    @Test
    void translateReplacesDeletesAndKeepsSupplementaryCharacters() {
        String text = "a\uD83D\uDE00b\u0000c";
        assertThat(CleanerTables.translate(text, Map.of((int) 'b', "BB"), Set.of(0)))
                .isEqualTo("a\uD83D\uDE00BBc");
        assertThat(CleanerTables.translate("plain", Map.of(), Set.of())).isSameAs("plain");
    }
}
