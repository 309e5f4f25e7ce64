package io.clipstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.model.zeroshot.PromptTemplates;
import io.clipstream.schemas.Label;
import io.clipstream.schemas.LabelSet;
import io.clipstream.topology.TopologySettings;
import io.clipstream.topology.labelsets.LabelSetRules;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Label set files: YAML and JSON read into the LabelSet the service expects; problems name the line. */
class LabelSetFileTest {
    private static final LabelSetRules RULES = LabelSetRules.of(TopologySettings.defaults());
    private static final long MAX_IMAGE_BYTES = 100;

    @TempDir
    Path dir;

    private LabelSet read(String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return LabelSetFile.read(file, RULES, MAX_IMAGE_BYTES, () -> 42L);
    }

    private String problem(String text) {
        Path file = dir.resolve("bad.yaml");
        try {
            Files.writeString(file, text);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(
                () -> LabelSetFile.read(file, RULES, MAX_IMAGE_BYTES, () -> 1L));
        assertThat(t).isInstanceOf(LabelSetFile.Invalid.class);
        return t.getMessage();
    }

    @Test
    void readsYamlWithNamesMappingsTemplatesAndDefaults() throws Exception {
        LabelSet set = read("animals.yaml", """
                id: animals
                description: pets
                templates: simple
                topK: 2
                labels:
                  - cat
                  - name: dog
                    threshold: 0.25
                  - name: bird
                    prompts: ["a bird", "a photo of a bird"]
                """);
        assertThat(set.getId()).isEqualTo("animals");
        assertThat(set.getVersion()).isEqualTo(42L); // no version: the supplier's
        assertThat(set.getTemplates()).isEqualTo(PromptTemplates.named("simple").templates());
        assertThat(set.getTopK()).isEqualTo(2);
        assertThat(set.getDescription()).isEqualTo("pets");
        assertThat(set.getLabels())
                .containsExactly(
                        Label.newBuilder().setName("cat").build(),
                        Label.newBuilder().setName("dog").setThreshold(0.25f).build(),
                        Label.newBuilder()
                                .setName("bird")
                                .setPrompts(List.of("a bird", "a photo of a bird"))
                                .build());
    }

    @Test
    void readsJsonWithSchemaDefaults() throws Exception {
        LabelSet set = read("s.json", """
                {"id": "s", "version": 7, "labels": ["a", {"name": "b", "threshold": -0.5}]}
                """);
        assertThat(set.getVersion()).isEqualTo(7);
        assertThat(set.getTemplates()).containsExactly(PromptTemplates.DEFAULT_TEMPLATE);
        assertThat(set.getTopK()).isEqualTo(5);
        assertThat(set.getDescription()).isNull();
        assertThat(set.getLabels().get(1).getThreshold()).isEqualTo(-0.5f);
    }

    @Test
    void serviceRulesNameTheLine() {
        assertThat(problem("""
                id: s
                labels:
                  - cat
                  - dog
                  - cat
                """)).endsWith("bad.yaml:5: duplicate label name \"cat\"");
        assertThat(problem("""
                id: s
                labels:
                  - cat
                  - name: dog
                    threshold: 5.0
                """))
                .endsWith("bad.yaml:5: label \"dog\" has the threshold 5.0, outside the cosine range [-1, 1]");
        assertThat(problem("""
                id: s
                templates: ["a {}", "no placeholder"]
                labels: [cat]
                """)).endsWith("bad.yaml:2: template without {}: \"no placeholder\"");
        assertThat(problem("id: s\ntopK: 0\nlabels: [cat]\n")).endsWith("bad.yaml:2: topK must be at least 1, got 0");
        assertThat(problem("id: a/b\nlabels: [cat]\n")).contains("bad.yaml:1: label set id must be non-empty");
        assertThat(problem("id: s\nlabels: []\n")).endsWith("bad.yaml:2: label set s has no labels");
        assertThat(problem("id: s\nlabels:\n  - cat\n  - \""
                        + "x".repeat(TopologySettings.defaults().maxPromptChars() + 1) + "\"\n"))
                .contains("bad.yaml:4: a label name is longer than");
        assertThat(problem("id: s\nlabels:\n  - cat\n  - \" \"\n")).endsWith("bad.yaml:4: a label has an empty name");
    }

    @Test
    void structureProblemsNameTheLine() {
        assertThat(problem("id: s\nlabels:\n  - name: cat\n    treshold: 0.2\n"))
                .contains("bad.yaml:4: unknown field \"treshold\"");
        assertThat(problem("id: s\nlabels: [cat]\nid: t\n")).contains("bad.yaml:3: duplicate field \"id\"");
        assertThat(problem("labels: [cat]\n")).contains("bad.yaml:1: missing id");
        assertThat(problem("id: s\nlabels:\n  - name: cat\n    threshold: high\n"))
                .contains("bad.yaml:4: expected a number, got \"high\"");
        assertThat(problem("id: s\nversion: -3\nlabels: [cat]\n")).contains("bad.yaml:2: expected a whole number");
        assertThat(problem("id: s\ntemplates: fancy\nlabels: [cat]\n"))
                .contains("bad.yaml:2: templates: expected openai");
        assertThat(problem("id: s\nlabels: [cat\n")).contains("bad.yaml:").contains("not valid YAML or JSON");
    }

    @Test
    void examplesAreImageFilesReadInlineOrUrlsSentAsTheyAre() throws Exception {
        Files.createDirectories(dir.resolve("known"));
        Files.write(dir.resolve("known/a.png"), new byte[] {1, 2, 3});
        Files.write(dir.resolve("b.jpg"), new byte[100]);
        LabelSet set = read("items.yaml", """
                id: known
                labels:
                  - name: item-17
                    threshold: 0.9
                    examples: [known/a.png, b.jpg, "https://images.example.com/17.jpg"]
                  - name: knife
                    prompts: ["a photo of a knife"]
                    examples: [known/a.png]
                    exampleWeight: 0.3
                  - cat
                """);
        Label item = set.getLabels().get(0);
        assertThat(item.getPrompts()).isNull();
        assertThat(item.getExamples()).hasSize(3);
        assertThat(item.getExamples().get(0).getData()).isEqualTo(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}));
        assertThat(item.getExamples().get(0).getUrl()).isNull();
        assertThat(item.getExamples().get(1).getData().remaining()).isEqualTo(100);
        assertThat(item.getExamples().get(2).getUrl()).isEqualTo("https://images.example.com/17.jpg");
        assertThat(item.getExampleWeight()).isNull();
        assertThat(LabelSetRules.prompts(set, item))
                .as("examples alone: no templates")
                .isEmpty();
        assertThat(set.getLabels().get(1).getExampleWeight()).isEqualTo(0.3f);
        assertThat(set.getLabels().get(2).getExamples()).isEmpty();
    }

    @Test
    void anExampleFileThatIsMissingOrTooLargeOrAWeightOutOfRangeNamesItsLine() throws Exception {
        Files.write(dir.resolve("big.png"), new byte[101]);
        assertThat(problem("id: s\nlabels:\n  - name: x\n    examples:\n      - missing.png\n"))
                .startsWith(dir.resolve("bad.yaml") + ":5: example ")
                .contains("missing.png cannot be read");
        assertThat(problem("id: s\nlabels:\n  - name: x\n    examples: [big.png]\n"))
                .startsWith(dir.resolve("bad.yaml") + ":4: example ")
                .endsWith("big.png has 101 bytes, over image.max.bytes (100)");
        assertThat(problem("id: s\nlabels:\n  - cat\n  - name: x\n    examples: [\"https://h/a.jpg\"]\n"
                        + "    exampleWeight: 2\n"))
                .isEqualTo(dir.resolve("bad.yaml") + ":4: label \"x\" has the exampleWeight 2.0, outside [0, 1]");
    }
}
