package io.clipstream.topology.labelsets;

import io.clipstream.schemas.LabelSet;
import io.clipstream.topology.InputRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * A label set under way in the {@link LabelSetEncoder}: its record, the set, its two {@link LabelCursor}s (example
 * images first, then prompts), the pixel hashes of the examples passed so far, the set's {@link LabelSetDigest} (null
 * when it has none), and when progress was last logged.
 */
final class LabelEncoding {
    final InputRecord input;
    final LabelSet set;
    final LabelCursor examples;
    final LabelCursor prompts;
    final List<byte[]> exampleHashes;
    final byte[] digest;
    final long startNanos;
    long loggedNanos;

    LabelEncoding(
            InputRecord input, LabelSet set, LabelCursor examples, LabelCursor prompts, List<byte[]> hashes, long now) {
        this.input = input;
        this.set = set;
        this.examples = examples;
        this.prompts = prompts;
        this.exampleHashes = new ArrayList<>(hashes);
        this.digest = LabelSetDigest.of(set).orElse(null);
        this.startNanos = now;
        this.loggedNanos = now;
    }

    static LabelEncoding start(InputRecord input, LabelSet set, long now) {
        return new LabelEncoding(
                input, set, LabelCursor.examples(set, 0, 0), LabelCursor.prompts(set, 0, 0), List.of(), now);
    }

    boolean atEnd() {
        return examples.atEnd() && prompts.atEnd();
    }

    long passed() {
        return examples.passed() + prompts.passed();
    }

    long total() {
        return examples.total() + prompts.total();
    }
}
