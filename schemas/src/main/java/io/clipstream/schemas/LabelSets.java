package io.clipstream.schemas;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Label sets built in code (the demo's, the benchmarks', the tests'): labels named by their text, nothing more. */
public final class LabelSets {
    private LabelSets() {}

    /**
     * A set of plain labels: each a name, with no prompts, threshold or examples of its own, so the set's templates
     * make its prompts.
     */
    public static LabelSet of(
            String id, long version, List<String> names, List<String> templates, int topK, String description) {
        return LabelSet.newBuilder()
                .setId(id)
                .setVersion(version)
                .setLabels(names.stream() // a mutable list, as Avro's readers give: callers may edit the set
                        .map(name -> Label.newBuilder().setName(name).build())
                        .collect(Collectors.toCollection(ArrayList::new)))
                .setTemplates(templates)
                .setTopK(topK)
                .setDescription(description)
                .build();
    }
}
