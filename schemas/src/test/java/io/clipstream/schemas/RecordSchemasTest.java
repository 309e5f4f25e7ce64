package io.clipstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** Every record, field and enum carries a doc, as the issue asks, so the registry documents the topics. */
class RecordSchemasTest {

    static final List<Schema> TOP_LEVEL = List.of(
            ImageEvent.getClassSchema(),
            LabelSet.getClassSchema(),
            LabelEmbedding.getClassSchema(),
            Classification.getClassSchema(),
            ImageEmbedding.getClassSchema(),
            DeadLetter.getClassSchema());

    @Test
    void everyNamedTypeAndFieldHasADoc() {
        List<String> undocumented = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        TOP_LEVEL.forEach(s -> collect(s, undocumented, seen));
        assertThat(undocumented).isEmpty();
        assertThat(seen)
                .contains(
                        "io.clipstream.schemas.Label",
                        "io.clipstream.schemas.LabelExample",
                        "io.clipstream.schemas.LabelScore",
                        "io.clipstream.schemas.InlineImage",
                        "io.clipstream.schemas.ImageUrl",
                        "io.clipstream.schemas.ErrorCode",
                        "io.clipstream.schemas.Stage");
    }

    @Test
    void enumsFallBackToUnknownForSymbolsAddedLater() {
        assertThat(ErrorCode.getClassSchema().getEnumDefault()).isEqualTo("UNKNOWN");
        assertThat(Stage.getClassSchema().getEnumDefault()).isEqualTo("UNKNOWN");
    }

    private static void collect(Schema schema, List<String> undocumented, Set<String> seen) {
        switch (schema.getType()) {
            case RECORD -> {
                if (!seen.add(schema.getFullName())) return;
                if (schema.getDoc() == null) undocumented.add(schema.getFullName());
                for (Schema.Field f : schema.getFields()) {
                    if (f.doc() == null || f.doc().isBlank()) undocumented.add(schema.getFullName() + "." + f.name());
                    collect(f.schema(), undocumented, seen);
                }
            }
            case ENUM -> {
                if (seen.add(schema.getFullName()) && schema.getDoc() == null) undocumented.add(schema.getFullName());
            }
            case ARRAY -> collect(schema.getElementType(), undocumented, seen);
            case MAP -> collect(schema.getValueType(), undocumented, seen);
            case UNION -> schema.getTypes().forEach(t -> collect(t, undocumented, seen));
            default -> {}
        }
    }
}
