package io.clipstream.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class CompatibilityTest {

    static final Schema V1 = SchemaRegistryHttpServerTest.V1;
    static final Schema V2 = SchemaRegistryHttpServerTest.V2;
    static final Schema V2_NO_DEFAULT = SchemaRegistryHttpServerTest.V2_NO_DEFAULT;

    @Test
    void addingAFieldWithoutDefaultIsForwardButNotBackwardCompatible() {
        assertThat(Compatibility.BACKWARD.violations(V2_NO_DEFAULT, List.of(V1)))
                .isNotEmpty();
        assertThat(Compatibility.FORWARD.violations(V2_NO_DEFAULT, List.of(V1))).isEmpty();
        assertThat(Compatibility.FULL.violations(V2, List.of(V1))).isEmpty();
        assertThat(Compatibility.NONE.violations(Schema.create(Schema.Type.INT), List.of(V1)))
                .isEmpty();
    }

    @Test
    void transitiveLevelsCheckEveryEarlierVersion() {
        // History: id as int, then id as string. V2 reads the latest (string) but not the first (int).
        Schema intOnly = new Schema.Parser().parse("""
                {"type":"record","name":"Thing","namespace":"test","fields":[{"name":"id","type":"int"}]}""");
        assertThat(Compatibility.BACKWARD.violations(V2, List.of(intOnly, V1))).isEmpty();
        assertThat(Compatibility.BACKWARD_TRANSITIVE.violations(V2, List.of(intOnly, V1)))
                .isNotEmpty();
    }

    @Test
    void parsesLevelNames() {
        assertThat(Compatibility.parse("full_transitive")).isEqualTo(Compatibility.FULL_TRANSITIVE);
        assertThatThrownBy(() -> Compatibility.parse("SOMETIMES"))
                .isInstanceOfSatisfying(
                        SchemaRegistryException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(42203));
    }
}
