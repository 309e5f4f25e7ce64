package io.clipstream.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ConfigReferenceTest {
    private static final Path DOC = Path.of("").toAbsolutePath().getParent().resolve("docs/configuration.md");

    @Test
    void theDocumentHoldsTheTableOfEveryKey() throws Exception {
        String table = ConfigReference.markdownTable();
        String doc = Files.readString(DOC);
        if (!doc.contains(table)) {
            Path expected = Path.of("target", "configuration-table.md");
            Files.writeString(expected, table);
            throw new AssertionError(
                    DOC + " does not hold the current table; the expected table is in " + expected.toAbsolutePath());
        }
        for (ConfigKey key : ServiceConfig.KEYS) {
            assertThat(doc).contains("| `" + key.name() + "` | `" + key.envName() + "` |");
        }
    }

    @Test
    void requiredKeysAndSecretsAreMarked() {
        String table = ConfigReference.markdownTable();
        assertThat(table)
                .contains("| `bootstrap.servers` | `CLIPSTREAM_BOOTSTRAP_SERVERS` | **required** |")
                .contains("| `image.batch.size` | `CLIPSTREAM_IMAGE_BATCH_SIZE` | `8` |")
                .containsPattern("schema.registry.basic.auth.user.info.*Secret: never logged");
        assertThat(table.lines().count()).isEqualTo(ServiceConfig.KEYS.size() + 2);
    }
}
