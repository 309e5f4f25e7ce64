package io.clipstream.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.schemas.registry.SchemaRegistryException.Kind;
import org.junit.jupiter.api.Test;

class SchemaRegistryExceptionTest {

    @Test
    void mapsConfluentErrorCodesAndStatuses() {
        assertThat(Kind.of(40401, 404)).isEqualTo(Kind.SUBJECT_NOT_FOUND);
        assertThat(Kind.of(40403, 404)).isEqualTo(Kind.SCHEMA_NOT_FOUND);
        assertThat(Kind.of(409, 409)).isEqualTo(Kind.INCOMPATIBLE_SCHEMA);
        assertThat(Kind.of(42201, 422)).isEqualTo(Kind.INVALID_SCHEMA);
        assertThat(Kind.of(50003, 500)).isEqualTo(Kind.UNAVAILABLE);
        assertThat(Kind.of(502, 502)).isEqualTo(Kind.UNAVAILABLE);
        assertThat(Kind.of(401, 401)).isEqualTo(Kind.UNAUTHORIZED);
        assertThat(Kind.of(404, 404)).isEqualTo(Kind.OTHER);
        assertThat(Kind.SUBJECT_NOT_FOUND.httpStatus()).isEqualTo(404);
        assertThat(Kind.INCOMPATIBLE_SCHEMA.httpStatus()).isEqualTo(409);
    }

    @Test
    void onlyUnavailableIsRetriable() {
        assertThat(new SchemaRegistryException(Kind.UNAVAILABLE, "down").isRetriable())
                .isTrue();
        assertThat(new SchemaRegistryException(Kind.SCHEMA_NOT_FOUND, "gone").isRetriable())
                .isFalse();
    }
}
