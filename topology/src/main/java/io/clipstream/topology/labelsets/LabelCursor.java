package io.clipstream.topology.labelsets;

import io.clipstream.schemas.Label;
import io.clipstream.schemas.LabelSet;
import java.util.function.ToIntFunction;

/**
 * A position in one kind of member of a label set's labels (their prompts, or their example images), label by label
 * and member by member, so that encoding a set walks them once, in bounded steps, without ever listing them all.
 */
final class LabelCursor {
    private final LabelSet set;
    private final ToIntFunction<Label> members;
    private final long total;
    private int label;
    private int item;
    private long passed;

    private LabelCursor(LabelSet set, ToIntFunction<Label> members, int label, int item) {
        this.set = set;
        this.members = members;
        long sum = 0;
        long before = 0;
        for (int i = 0; i < set.getLabels().size(); i++) {
            int count = members.applyAsInt(set.getLabels().get(i));
            sum += count;
            if (i < label) {
                before += count;
            }
        }
        this.total = sum;
        this.label = label;
        this.item = item;
        this.passed = before + item;
        skipEmptyLabels();
    }

    /** At prompt {@code prompt} of label {@code label} (see {@link LabelSetRules#prompt}). */
    static LabelCursor prompts(LabelSet set, int label, int prompt) {
        return new LabelCursor(set, l -> LabelSetRules.promptCount(set, l), label, prompt);
    }

    /** At example image {@code example} of label {@code label}. */
    static LabelCursor examples(LabelSet set, int label, int example) {
        return new LabelCursor(set, l -> l.getExamples().size(), label, example);
    }

    boolean atEnd() {
        return label >= set.getLabels().size();
    }

    /** The label the cursor is in. */
    Label currentLabel() {
        return set.getLabels().get(label);
    }

    void advance() {
        item++;
        passed++;
        skipEmptyLabels();
    }

    private void skipEmptyLabels() {
        while (label < set.getLabels().size()
                && item >= members.applyAsInt(set.getLabels().get(label))) {
            label++;
            item = 0;
        }
    }

    int label() {
        return label;
    }

    /** The member's index within its label. */
    int item() {
        return item;
    }

    /** Members behind the cursor. */
    long passed() {
        return passed;
    }

    long total() {
        return total;
    }
}
