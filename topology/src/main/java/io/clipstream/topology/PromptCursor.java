package io.clipstream.topology;

import io.clipstream.schemas.LabelSet;

/**
 * A position in a label set's prompts, label by label and prompt by prompt, so that encoding a set walks its prompts
 * once, in bounded steps, without ever listing them all.
 */
final class PromptCursor {
    private final LabelSet set;
    private final long total;
    private int label;
    private int prompt;
    private long passed;

    PromptCursor(LabelSet set, int label, int prompt) {
        this.set = set;
        long sum = 0;
        long before = 0;
        for (int i = 0; i < set.getLabels().size(); i++) {
            int count = LabelSetRules.promptCount(set, set.getLabels().get(i));
            sum += count;
            if (i < label) {
                before += count;
            }
        }
        this.total = sum;
        this.label = label;
        this.prompt = prompt;
        this.passed = before + prompt;
        skipEmptyLabels();
    }

    boolean atEnd() {
        return label >= set.getLabels().size();
    }

    String current() {
        return LabelSetRules.prompt(set, set.getLabels().get(label), prompt);
    }

    void advance() {
        prompt++;
        passed++;
        skipEmptyLabels();
    }

    private void skipEmptyLabels() {
        while (label < set.getLabels().size()
                && prompt >= LabelSetRules.promptCount(set, set.getLabels().get(label))) {
            label++;
            prompt = 0;
        }
    }

    int label() {
        return label;
    }

    int prompt() {
        return prompt;
    }

    /** Prompts behind the cursor. */
    long passed() {
        return passed;
    }

    long total() {
        return total;
    }
}
