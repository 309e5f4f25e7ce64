package io.clipstream.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.avro.AvroSchema;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client.CachedSchemaRegistryClient;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client.rest.RestService;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client.rest.exceptions.RestClientException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The test registry against Confluent's genuine client (7.5.3, relocated inside Flink's jar): whatever one
 * side registers, the other reads back, and the REST answers (including errors) are what Confluent's
 * RestService expects from a real registry.
 */
class SchemaRegistryHttpServerTest {

    static final Schema V1 = new Schema.Parser().parse("""
            {"type":"record","name":"Thing","namespace":"test","fields":[{"name":"id","type":"string"}]}""");
    static final Schema V2 = new Schema.Parser().parse("""
            {"type":"record","name":"Thing","namespace":"test","fields":[{"name":"id","type":"string"},
             {"name":"size","type":"int","default":0}]}""");
    static final Schema V2_NO_DEFAULT = new Schema.Parser().parse("""
            {"type":"record","name":"Thing","namespace":"test","fields":[{"name":"id","type":"string"},
             {"name":"size","type":"int"}]}""");

    SchemaRegistryHttpServer server;
    HttpSchemaRegistryClient ours;
    CachedSchemaRegistryClient confluent;
    RestService rest;

    @BeforeEach
    void start() throws Exception {
        server = SchemaRegistryHttpServer.start(new InMemorySchemaRegistry(), "127.0.0.1", 0);
        ours = new HttpSchemaRegistryClient(RegistryClientConfig.of(server.url()));
        confluent = new CachedSchemaRegistryClient(server.url(), 100);
        rest = new RestService(server.url());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void schemaRegisteredByUsIsReadByConfluent() throws Exception {
        int id = ours.register("things-value", V1);

        assertThat(new Schema.Parser().parse(confluent.getSchemaById(id).canonicalString()))
                .isEqualTo(V1);
        var latest = confluent.getLatestSchemaMetadata("things-value");
        assertThat(latest.getId()).isEqualTo(id);
        assertThat(latest.getVersion()).isEqualTo(1);
        assertThat(confluent.getId("things-value", new AvroSchema(V1.toString())))
                .isEqualTo(id);
        assertThat(confluent.getAllSubjects()).containsExactly("things-value");
    }

    @Test
    void schemaRegisteredByConfluentIsReadByUs() throws Exception {
        int id = confluent.register("things-value", new AvroSchema(V1.toString()));
        int id2 = confluent.register("things-value", new AvroSchema(V2.toString()));

        assertThat(id2).isNotEqualTo(id);
        assertThat(ours.schemaById(id)).isEqualTo(V1);
        assertThat(ours.latest("things-value")).isEqualTo(new RegisteredSchema("things-value", 2, id2, V2));
        assertThat(ours.lookup("things-value", V1).version()).isEqualTo(1);
        assertThat(ours.versions("things-value")).containsExactly(1, 2);
    }

    @Test
    void sameSchemaUnderTwoSubjectsHasOneIdForBothClients() throws Exception {
        int a = ours.register("a-value", V1);
        int b = confluent.register("b-value", new AvroSchema(V1.toString()));
        assertThat(b).isEqualTo(a);
        assertThat(rest.getAllVersions("b-value")).containsExactly(1);
    }

    @Test
    void compatibilityAnswersMatchConfluentsExpectations() throws Exception {
        ours.register("things-value", V1);

        assertThat(confluent.testCompatibility("things-value", new AvroSchema(V2.toString())))
                .isTrue();
        assertThat(confluent.testCompatibility("things-value", new AvroSchema(V2_NO_DEFAULT.toString())))
                .isFalse();
        assertThat(confluent.testCompatibilityVerbose("things-value", new AvroSchema(V2_NO_DEFAULT.toString())))
                .singleElement()
                .asString()
                .contains("READER_FIELD_MISSING_DEFAULT");
        assertThatThrownBy(() -> confluent.register("things-value", new AvroSchema(V2_NO_DEFAULT.toString())))
                .isInstanceOfSatisfying(RestClientException.class, e -> {
                    assertThat(e.getStatus()).isEqualTo(409);
                    assertThat(e.getErrorCode()).isEqualTo(409);
                });
    }

    @Test
    void errorsCarryConfluentsStatusAndErrorCodes() {
        assertThatThrownBy(() -> rest.getLatestVersion("nothing-value"))
                .isInstanceOfSatisfying(
                        RestClientException.class,
                        e -> assertThat(List.of(e.getStatus(), e.getErrorCode()))
                                .containsExactly(404, 40401));
        assertThatThrownBy(() -> rest.getId(999))
                .isInstanceOfSatisfying(
                        RestClientException.class,
                        e -> assertThat(List.of(e.getStatus(), e.getErrorCode()))
                                .containsExactly(404, 40403));
        assertThatThrownBy(() -> rest.registerSchema("{\"type\":\"nonsense\"}", "x-value"))
                .isInstanceOfSatisfying(
                        RestClientException.class,
                        e -> assertThat(List.of(e.getStatus(), e.getErrorCode()))
                                .containsExactly(422, 42201));
    }

    @Test
    void versionAndLookupAndDeleteThroughRestService() throws Exception {
        int id = ours.register("things-value", V1);
        ours.register("things-value", V2);

        var v1 = rest.getVersion("things-value", 1);
        assertThat(v1.getId()).isEqualTo(id);
        assertThat(v1.getSubject()).isEqualTo("things-value");
        assertThat(new Schema.Parser().parse(v1.getSchema())).isEqualTo(V1);
        assertThat(rest.lookUpSubjectVersion(V1.toString(), "things-value").getVersion())
                .isEqualTo(1);
        assertThatThrownBy(() -> rest.getVersion("things-value", 3))
                .isInstanceOfSatisfying(
                        RestClientException.class,
                        e -> assertThat(e.getErrorCode()).isEqualTo(40402));
        assertThat(rest.deleteSubject(Map.of(), "things-value")).containsExactly(1, 2);
        assertThat(rest.getAllSubjects()).isEmpty();
    }

    @Test
    void configIsReadAndWrittenByBothClients() throws Exception {
        assertThat(rest.getConfig(null).getCompatibilityLevel()).isEqualTo("BACKWARD");
        rest.updateCompatibility("FULL", "things-value");
        assertThat(ours.compatibility("things-value")).isEqualTo(Compatibility.FULL);
        ours.setCompatibility(null, Compatibility.NONE);
        assertThat(rest.getConfig(null).getCompatibilityLevel()).isEqualTo("NONE");
        assertThat(rest.getConfig("things-value").getCompatibilityLevel()).isEqualTo("FULL");
        assertThatThrownBy(() -> rest.getConfig("other-value"))
                .isInstanceOfSatisfying(
                        RestClientException.class,
                        e -> assertThat(e.getErrorCode()).isEqualTo(40408));
    }

    @Test
    void refusesOversizedAndNonJsonBodies() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        var big = http.send(
                HttpRequest.newBuilder(URI.create(server.url() + "/subjects/x/versions"))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(
                                new byte[SchemaRegistryHttpServer.MAX_BODY_BYTES + 10]))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(big.statusCode()).isEqualTo(413);
        var garbage = http.send(
                HttpRequest.newBuilder(URI.create(server.url() + "/subjects/x/versions"))
                        .POST(HttpRequest.BodyPublishers.ofString("{not json"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(garbage.statusCode()).isEqualTo(422);
        assertThat(garbage.body()).contains("\"error_code\":422");
        var unknown = http.send(
                HttpRequest.newBuilder(URI.create(server.url() + "/nowhere")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(unknown.statusCode()).isEqualTo(404);
    }
}
