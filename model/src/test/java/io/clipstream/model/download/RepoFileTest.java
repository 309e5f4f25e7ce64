package io.clipstream.model.download;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RepoFileTest {
    @Test
    void acceptsHubRepoIdsAndPlainNames() {
        assertThatCode(() -> new RepoFile("FacebookAI/roberta-base", "merges.txt", 1))
                .doesNotThrowAnyException();
        assertThatCode(() -> new RepoFile("roberta-base", "vocab.json", 1)).doesNotThrowAnyException();
    }

    @Test
    void rejectsNamesThatCouldEscapeTheModelFolder() {
        for (String name : new String[] {"../x", "a/b", ".hidden", "x.bin.part", "", "a\\b"}) {
            assertThatThrownBy(() -> new RepoFile("a/b", name, 1))
                    .as(name)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> new RepoFile("a/../b", "x", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RepoFile("a/b/c", "x", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RepoFile("a/b", "x", 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
