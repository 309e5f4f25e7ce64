package io.clipstream.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clipstream.schemas.ImageEvent;
import io.clipstream.schemas.LabelSet;
import io.clipstream.schemas.registry.InMemorySchemaRegistry;
import io.clipstream.schemas.registry.SchemaRegistryException;
import io.clipstream.schemas.registry.SchemaRegistryHttpServer;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The serializer against the project's registry over HTTP in read-only mode behind a bearer token: with
 * {@code auto.register.schemas=false} it writes with the id of the schema registered beforehand, with
 * {@code use.latest.version=true} with the subject's latest; it fails saying what to do when the schema is not there or
 * when it would have to register; the token reaches the registry and a wrong one is refused.
 */
class ReadOnlyRegistryTest {
    private static final String TOKEN = "tok-" + java.util.UUID.randomUUID();
    private SchemaRegistryHttpServer server;

    @BeforeEach
    void start() throws Exception {
        server = SchemaRegistryHttpServer.start(new InMemorySchemaRegistry(), "127.0.0.1", 0)
                .requireAuthorization("Bearer " + TOKEN)
                .readOnly(true);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private <T> RegistryAvroSerializer<T> serializer(String token, Map<String, Object> extra) {
        Map<String, Object> configs = new HashMap<>(extra);
        configs.put("schema.registry.url", server.url());
        configs.put("bearer.auth.credentials.source", "STATIC_TOKEN");
        configs.put("bearer.auth.token", token);
        configs.put("max.retries", 0);
        RegistryAvroSerializer<T> serializer = new RegistryAvroSerializer<>();
        serializer.configure(configs, false);
        return serializer;
    }

    @Test
    void withoutAutoRegisterItWritesWithThePreRegisteredSchemasId() {
        server.registry().register("unrelated-value", Schema.create(Schema.Type.STRING));
        int id = server.registry().register("images-value", ImageEvent.getClassSchema());

        byte[] bytes = this.<ImageEvent>serializer(TOKEN, Map.of("auto.register.schemas", "false"))
                .serialize("images", SampleRecords.urlImage());

        assertThat(bytes).startsWith(0, 0, 0, 0, id);
        assertThat(id).isEqualTo(2);
        assertThat(server.registry().versions("images-value")).hasSize(1);
        assertThat(server.authorized.get()).as("requests with the bearer token").isPositive();
        assertThat(server.unauthorized.get()).isZero();
    }

    @Test
    void useLatestVersionWritesWithTheSubjectsLatestId() {
        server.registry().register("images-value", ImageEvent.getClassSchema());
        int latest = server.registry()
                .register(
                        "images-value",
                        new Schema.Parser()
                                .parse(ImageEvent.getClassSchema()
                                        .toString()
                                        .replace("One image to tag.", "An image to tag.")));

        byte[] bytes = this.<ImageEvent>serializer(
                        TOKEN, Map.of("auto.register.schemas", "false", "use.latest.version", "true"))
                .serialize("images", SampleRecords.urlImage());

        assertThat(bytes[4]).isEqualTo((byte) latest);
    }

    @Test
    void aSchemaThatIsNotRegisteredFailsClearly() {
        server.registry().register("images-value", ImageEvent.getClassSchema());
        RegistryAvroSerializer<LabelSet> serializer = serializer(TOKEN, Map.of("auto.register.schemas", "false"));

        assertThatThrownBy(() -> serializer.serialize("label-sets", SampleRecords.labelSet()))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("auto.register.schemas=false but io.clipstream.schemas.LabelSet's schema is not "
                        + "registered under subject label-sets-value: register it first");
        assertThat(server.registry().subjects()).containsExactly("images-value");
    }

    @Test
    void autoRegisterAgainstAReadOnlyRegistryFailsSayingWhatToDo() {
        RegistryAvroSerializer<ImageEvent> serializer = serializer(TOKEN, Map.of());

        assertThatThrownBy(() -> serializer.serialize("images", SampleRecords.urlImage()))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("the registry refused to register io.clipstream.schemas.ImageEvent's schema")
                .hasMessageContaining("set auto.register.schemas=false")
                .hasMessageContaining("read-only mode");
        assertThat(server.registry().subjects()).isEmpty();
    }

    @Test
    void aWrongTokenIsRefusedByTheRegistry() {
        server.registry().register("images-value", ImageEvent.getClassSchema());
        RegistryAvroSerializer<ImageEvent> serializer =
                serializer("not-" + TOKEN, Map.of("auto.register.schemas", "false"));

        assertThatThrownBy(() -> serializer.serialize("images", SampleRecords.urlImage()))
                .isInstanceOfSatisfying(
                        SchemaRegistryException.class,
                        e -> assertThat(e.kind()).isEqualTo(SchemaRegistryException.Kind.UNAUTHORIZED))
                .hasMessageNotContaining(TOKEN);
        assertThat(server.unauthorized.get()).isPositive();
        assertThat(server.authorized.get()).isZero();
    }
}
