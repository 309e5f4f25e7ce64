package io.clipstream.topology.labelsets;

import io.clipstream.schemas.Label;
import io.clipstream.schemas.LabelExample;
import io.clipstream.schemas.LabelSet;
import io.clipstream.topology.RecordLimits;
import io.clipstream.topology.TopologySettings;
import io.clipstream.topology.TopologySettings.ExampleLimits;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What makes a label set encodable: an id without '/', at least one and at most {@code maxLabels} labels with
 * unique non-empty names, templates that all contain {@code {}}, every prompt non-empty and within the length limit,
 * a positive topK and thresholds within the cosine range [-1, 1]. A label needs text or example images: each example
 * has exactly one of its bytes and a URL, and an example weight lies in [0, 1]. Three budgets keep any accepted set
 * cheap to hold: at most {@code maxPrompts} prompts in all, every example image counted as {@value #EXAMPLE_PROMPTS}
 * prompts (what the towers must encode and the cache must hold); at most the {@link ExampleLimits} of examples per
 * label and per set; and label names that fit in one record with room to spare (the set's member list is stored as
 * one record, and a classification may flag every label). Also lists each label's prompts: its own; or, for a label
 * without examples, the templates filled in.
 */
public final class LabelSetRules {
    /**
     * What one example image costs against the prompt budget, in prompts: an image-tower pass is 5 to 8 prompts'
     * worth of text-tower time (64 prompts/s at batch 32 against 7 to 14 images/s, BENCHMARKS.md), plus its decode.
     */
    public static final int EXAMPLE_PROMPTS = 8;

    private static final int MAX_PROMPTS_PER_LABEL = 1_000;
    private final int maxLabels;
    private final int maxPromptChars;
    private final long maxPrompts;
    private final long maxNameBytes;
    private final ExampleLimits examples;

    public LabelSetRules(int maxLabels, int maxPromptChars) {
        this(
                maxLabels,
                maxPromptChars,
                TopologySettings.DEFAULT_MAX_PROMPTS,
                TopologySettings.KAFKA_DEFAULT_MAX_RECORD_BYTES);
    }

    public LabelSetRules(int maxLabels, int maxPromptChars, long maxPrompts, int maxRecordBytes) {
        this(maxLabels, maxPromptChars, maxPrompts, maxRecordBytes, ExampleLimits.defaults());
    }

    /**
     * @param maxPrompts     the prompt budget: labels × prompts per label, plus {@value #EXAMPLE_PROMPTS} per example
     * @param maxRecordBytes the record limit of the output topics; all label names together may take half of it
     * @param examples       how many example images one label and the whole set may carry
     */
    public LabelSetRules(
            int maxLabels, int maxPromptChars, long maxPrompts, int maxRecordBytes, ExampleLimits examples) {
        this.maxLabels = maxLabels;
        this.maxPromptChars = maxPromptChars;
        this.maxPrompts = maxPrompts;
        this.maxNameBytes = RecordLimits.room(maxRecordBytes) / 2;
        this.examples = examples;
    }

    public static LabelSetRules of(TopologySettings s) {
        return new LabelSetRules(s.maxLabels(), s.maxPromptChars(), s.maxPrompts(), s.maxRecordBytes(), s.examples());
    }

    /** The first problem found, or empty when the set can be encoded. */
    public Optional<String> problem(String key, LabelSet set) {
        if (set.getId().isEmpty() || set.getId().contains("/")) {
            return Optional.of("label set id must be non-empty and contain no '/': \"" + set.getId() + "\"");
        }
        if (!set.getId().equals(key)) {
            return Optional.of("record key \"" + key + "\" differs from label set id \"" + set.getId() + "\"");
        }
        List<Label> labels = set.getLabels();
        if (labels.isEmpty()) {
            return Optional.of("label set " + set.getId() + " has no labels");
        }
        if (labels.size() > maxLabels) {
            return Optional.of(
                    "label set " + set.getId() + " has " + labels.size() + " labels, more than " + maxLabels);
        }
        if (set.getTopK() < 1) {
            return Optional.of("topK must be at least 1, got " + set.getTopK());
        }
        for (String template : set.getTemplates()) {
            if (!template.contains("{}")) {
                return Optional.of("template without {}: \"" + template + "\"");
            }
        }
        long prompts = 0;
        long exampleCount = 0;
        long nameBytes = 0;
        for (Label label : labels) {
            prompts += promptCount(set, label);
            exampleCount += label.getExamples().size();
            nameBytes += label.getName().getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 16L;
        }
        if (exampleCount > examples.perSet()) {
            return Optional.of("label set " + set.getId() + " has " + exampleCount + " example images, more than "
                    + examples.perSet() + " (label.set.max.examples)");
        }
        if (prompts + EXAMPLE_PROMPTS * exampleCount > maxPrompts) {
            return Optional.of("label set " + set.getId() + " has " + prompts + " prompts (labels × templates)"
                    + (exampleCount == 0
                            ? ""
                            : " and " + exampleCount + " example images counted as " + EXAMPLE_PROMPTS
                                    + " prompts each")
                    + ", over the budget of " + maxPrompts
                    + " (label.set.max.prompts)");
        }
        if (nameBytes > maxNameBytes) {
            return Optional.of("label set " + set.getId() + " has label names of " + nameBytes + " bytes in all, more"
                    + " than the " + maxNameBytes + " that fit in one record of the output topics");
        }
        Set<String> names = new HashSet<>();
        for (Label label : labels) {
            String name = label.getName();
            if (name.isBlank()) {
                return Optional.of("a label has an empty name");
            }
            if (name.length() > maxPromptChars) {
                return Optional.of("a label name is longer than " + maxPromptChars + " characters");
            }
            if (!names.add(name)) {
                return Optional.of("duplicate label name \"" + name + "\"");
            }
            Float threshold = label.getThreshold();
            if (threshold != null && !(threshold >= -1f && threshold <= 1f)) {
                return Optional.of(
                        "label \"" + name + "\" has the threshold " + threshold + ", outside the cosine range [-1, 1]");
            }
            Optional<String> exampleProblem = exampleProblem(label);
            if (exampleProblem.isPresent()) {
                return exampleProblem;
            }
            int count = promptCount(set, label);
            if ((count == 0 && label.getExamples().isEmpty()) || count > MAX_PROMPTS_PER_LABEL) {
                return Optional.of("label \"" + name + "\" has " + count + " prompts; needs 1 to "
                        + MAX_PROMPTS_PER_LABEL + (count == 0 ? ", or example images" : ""));
            }
            for (int i = 0; i < count; i++) {
                String prompt = prompt(set, label, i);
                if (prompt.isBlank() || prompt.length() > maxPromptChars) {
                    return Optional.of("label \"" + name + "\" has an empty prompt or one longer than " + maxPromptChars
                            + " characters");
                }
            }
        }
        return Optional.empty();
    }

    /** The label's examples over their limit, one without exactly one of bytes and URL, or a weight outside [0, 1]. */
    private Optional<String> exampleProblem(Label label) {
        String name = label.getName();
        List<LabelExample> list = label.getExamples();
        if (list.size() > examples.perLabel()) {
            return Optional.of("label \"" + name + "\" has " + list.size() + " example images, more than "
                    + examples.perLabel() + " (label.max.examples)");
        }
        for (int i = 0; i < list.size(); i++) {
            LabelExample example = list.get(i);
            boolean hasData = example.getData() != null;
            boolean hasUrl = example.getUrl() != null && !example.getUrl().isBlank();
            if (hasData == hasUrl) {
                return Optional.of("label \"" + name + "\" example " + (i + 1) + " needs exactly one of data and url");
            }
        }
        Float weight = label.getExampleWeight();
        if (weight != null && !(weight >= 0f && weight <= 1f)) {
            return Optional.of("label \"" + name + "\" has the exampleWeight " + weight + ", outside [0, 1]");
        }
        return Optional.empty();
    }

    /** How many prompts the label has: its own; else one per template, unless it has example images. */
    public static int promptCount(LabelSet set, Label label) {
        if (label.getPrompts() != null) {
            return label.getPrompts().size();
        }
        return label.getExamples().isEmpty() ? set.getTemplates().size() : 0;
    }

    /** The label's prompt {@code i}: its own, or template {@code i} with {@code {}} replaced by its name. */
    public static String prompt(LabelSet set, Label label, int i) {
        return label.getPrompts() != null
                ? label.getPrompts().get(i)
                : set.getTemplates().get(i).replace("{}", label.getName());
    }

    /** The label's own prompts if it has them; else, without examples, every template with {@code {}} filled in. */
    public static List<String> prompts(LabelSet set, Label label) {
        if (label.getPrompts() != null) {
            return List.copyOf(label.getPrompts());
        }
        if (!label.getExamples().isEmpty()) {
            return List.of();
        }
        List<String> filled = new ArrayList<>(set.getTemplates().size());
        for (String template : set.getTemplates()) {
            filled.add(template.replace("{}", label.getName()));
        }
        return filled;
    }
}
