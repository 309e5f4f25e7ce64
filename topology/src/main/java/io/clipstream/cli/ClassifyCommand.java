package io.clipstream.cli;

import io.clipstream.model.ClipModel;
import io.clipstream.model.zeroshot.PromptTemplates;
import io.clipstream.model.zeroshot.ZeroShotClassifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code classify}: open_clip's zero-shot classification of images against labels. */
@Command(
        name = "classify",
        mixinStandardHelpOptions = true,
        description =
                "Print {\"input\": FILE, \"labels\": [{\"label\", \"probability\", \"similarity\"}…]} per image, best first.")
final class ClassifyCommand implements Callable<Integer> {
    /** How often label encoding reports its progress on stderr (a large ensemble takes minutes). */
    private static final long PROGRESS_EVERY_NANOS = 2_000_000_000L;

    @Mixin
    ModelOption model;

    @Option(names = "--label", required = true, paramLabel = "L", description = "A label (repeatable).")
    List<String> labels;

    @Option(
            names = "--templates",
            paramLabel = "openai|simple|default|FILE",
            defaultValue = "default",
            description =
                    "Prompt templates: the 80 OpenAI ImageNet ones, the 7 simple ones, \"a photo of a {}.\" (default), "
                            + "or a file with one template per line. Use \"{}\" alone to embed the label as it is.")
    String templates;

    @Option(names = "--image", required = true, paramLabel = "FILE", description = "An image file (repeatable).")
    List<Path> images;

    @Override
    public Integer call() throws Exception {
        if (new LinkedHashSet<>(labels).size() != labels.size()) {
            throw new IllegalArgumentException("duplicate --label values");
        }
        PromptTemplates prompts =
                templates.equals("{}") ? new PromptTemplates(List.of("{}")) : PromptTemplates.named(templates);
        ClipModel clip = model.load();
        float[][] classes = new float[labels.size()][];
        long started = System.nanoTime();
        long said = started;
        for (int i = 0; i < labels.size(); i++) {
            classes[i] = ZeroShotClassifier.ensemble(clip.encodeTexts(prompts.fill(labels.get(i))));
            long now = System.nanoTime();
            if (now - said >= PROGRESS_EVERY_NANOS || i + 1 == labels.size() && now - started >= PROGRESS_EVERY_NANOS) {
                said = now;
                System.err.printf(
                        "encoding labels: %d of %d (%d prompts each), %d s%n",
                        i + 1, labels.size(), prompts.templates().size(), (now - started) / 1_000_000_000L);
            }
        }
        ZeroShotClassifier classifier = new ZeroShotClassifier(labels, classes, ZeroShotClassifier.OPEN_CLIP_SCALE);
        JsonLines out = new JsonLines(System.out);
        int failures = 0;
        for (Path image : images) {
            try {
                float[] embedding = clip.encodeImages(List.of(clip.preprocess(Files.readAllBytes(image))))[0];
                List<Map<String, Object>> scores = classifier.classify(embedding).stream()
                        .map(s -> {
                            Map<String, Object> m = new LinkedHashMap<>();
                            m.put("label", s.label());
                            m.put("probability", s.probability());
                            m.put("similarity", s.similarity());
                            return m;
                        })
                        .toList();
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("input", image.toString());
                line.put("labels", scores);
                out.write(line);
            } catch (Exception e) {
                failures++;
                System.err.println("error: " + image + ": " + ErrorHandler.describe(e));
            }
        }
        return failures == 0 ? 0 : 1;
    }
}
