package io.clipstream.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class InMemorySchemaRegistryTest {

    static final Schema V1 = SchemaRegistryHttpServerTest.V1;
    static final Schema V2 = SchemaRegistryHttpServerTest.V2;
    static final Schema V2_NO_DEFAULT = SchemaRegistryHttpServerTest.V2_NO_DEFAULT;
    final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();

    @Test
    void numbersVersionsPerSubjectAndIdsAcrossSubjects() {
        int a = registry.register("a", V1);
        assertThat(registry.register("a", V1)).isEqualTo(a);
        int b = registry.register("b", V1);
        int a2 = registry.register("a", V2);
        assertThat(b).isEqualTo(a);
        assertThat(a2).isNotEqualTo(a);
        assertThat(registry.latest("a")).isEqualTo(new RegisteredSchema("a", 2, a2, V2));
        assertThat(registry.version("a", 1).id()).isEqualTo(a);
        assertThat(registry.lookup("a", V2).version()).isEqualTo(2);
        assertThat(registry.usages(a)).containsEntry("a", 1).containsEntry("b", 1);
        assertThat(registry.subjects()).containsExactly("a", "b");
    }

    @Test
    void enforcesTheSubjectsCompatibilityLevel() {
        registry.register("a", V1);
        assertThatThrownBy(() -> registry.register("a", V2_NO_DEFAULT))
                .isInstanceOfSatisfying(
                        SchemaRegistryException.class,
                        e -> assertThat(e.kind()).isEqualTo(SchemaRegistryException.Kind.INCOMPATIBLE_SCHEMA));
        registry.setCompatibility("a", Compatibility.NONE);
        assertThat(registry.register("a", V2_NO_DEFAULT)).isPositive();
        assertThat(registry.compatibility("b")).isEqualTo(Compatibility.BACKWARD);
    }

    @Test
    void deletedSubjectsAreGoneButTheirIdsStillResolve() {
        int id = registry.register("a", V1);
        assertThat(registry.deleteSubject("a")).containsExactly(1);
        assertThatThrownBy(() -> registry.latest("a")).isInstanceOf(SchemaRegistryException.class);
        assertThat(registry.schemaById(id)).isEqualTo(V1);
    }

    @Test
    void scopesAreSharedByName() {
        InMemorySchemaRegistry one = InMemorySchemaRegistry.forScope("registry-test");
        assertThat(InMemorySchemaRegistry.forScope("registry-test")).isSameAs(one);
        InMemorySchemaRegistry.dropScope("registry-test");
        assertThat(InMemorySchemaRegistry.forScope("registry-test")).isNotSameAs(one);
        InMemorySchemaRegistry.dropScope("registry-test");
    }

    @Test
    void invalidSchemaTextIsInvalidSchema() {
        assertThatThrownBy(() -> InMemorySchemaRegistry.parse("{\"type\":\"record\",\"name\":\"X\"}"))
                .isInstanceOfSatisfying(
                        SchemaRegistryException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(42201));
    }
}
