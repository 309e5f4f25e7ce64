package io.clipstream.topology;

import io.clipstream.schemas.Label;
import io.clipstream.schemas.LabelSet;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What makes a label set encodable: an id without '/', at least one and at most {@code maxLabels} labels with
 * unique non-empty names, templates that all contain {@code {}}, every prompt non-empty and within the length limit,
 * a positive topK and finite thresholds. Also lists each label's prompts (its own, or the templates filled in).
 */
public final class LabelSetRules {
    private static final int MAX_PROMPTS_PER_LABEL = 1_000;
    private final int maxLabels;
    private final int maxPromptChars;

    public LabelSetRules(int maxLabels, int maxPromptChars) {
        this.maxLabels = maxLabels;
        this.maxPromptChars = maxPromptChars;
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
            return Optional.of("label set " + set.getId() + " has " + labels.size() + " labels, more than " + maxLabels);
        }
        if (set.getTopK() < 1) {
            return Optional.of("topK must be at least 1, got " + set.getTopK());
        }
        for (String template : set.getTemplates()) {
            if (!template.contains("{}")) {
                return Optional.of("template without {}: \"" + template + "\"");
            }
        }
        Set<String> names = new HashSet<>();
        for (Label label : labels) {
            String name = label.getName();
            if (name.isBlank()) {
                return Optional.of("a label has an empty name");
            }
            if (!names.add(name)) {
                return Optional.of("duplicate label name \"" + name + "\"");
            }
            if (label.getThreshold() != null && !Float.isFinite(label.getThreshold())) {
                return Optional.of("label \"" + name + "\" has a non-finite threshold");
            }
            List<String> prompts = prompts(set, label);
            if (prompts.isEmpty() || prompts.size() > MAX_PROMPTS_PER_LABEL) {
                return Optional.of("label \"" + name + "\" has " + prompts.size() + " prompts; needs 1 to "
                        + MAX_PROMPTS_PER_LABEL);
            }
            for (String prompt : prompts) {
                if (prompt.isBlank() || prompt.length() > maxPromptChars) {
                    return Optional.of("label \"" + name + "\" has an empty prompt or one longer than "
                            + maxPromptChars + " characters");
                }
            }
        }
        return Optional.empty();
    }

    /** The label's own prompts if it has them, else every template with {@code {}} replaced by its name. */
    public static List<String> prompts(LabelSet set, Label label) {
        if (label.getPrompts() != null) {
            return List.copyOf(label.getPrompts());
        }
        List<String> filled = new ArrayList<>(set.getTemplates().size());
        for (String template : set.getTemplates()) {
            filled.add(template.replace("{}", label.getName()));
        }
        return filled;
    }
}
