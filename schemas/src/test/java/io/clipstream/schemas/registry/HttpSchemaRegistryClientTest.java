package io.clipstream.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.clipstream.schemas.registry.SchemaRegistryException.Kind;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Our HTTP client against a real server on 127.0.0.1: the test registry, or a scripted one for odd answers. */
class HttpSchemaRegistryClientTest {

    static final Schema V1 = SchemaRegistryHttpServerTest.V1;
    static final Schema V2 = SchemaRegistryHttpServerTest.V2;
    static final Schema V2_NO_DEFAULT = SchemaRegistryHttpServerTest.V2_NO_DEFAULT;

    final List<AutoCloseable> closeables = new ArrayList<>();
    final List<Duration> sleeps = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closeables) c.close();
    }

    SchemaRegistryHttpServer registry() throws IOException {
        var server = SchemaRegistryHttpServer.start(new InMemorySchemaRegistry(), "127.0.0.1", 0);
        closeables.add(server);
        return server;
    }

    HttpSchemaRegistryClient client(String url, Map<String, Object> extra) {
        Map<String, Object> configs = new HashMap<>(extra);
        configs.put(RegistryClientConfig.URL, url);
        configs.putIfAbsent(RegistryClientConfig.RETRIES_WAIT_MS, 10);
        return new HttpSchemaRegistryClient(RegistryClientConfig.from(configs), sleeps::add);
    }

    /** A server answering every request with the next scripted (status, body), then repeating the last. */
    String scripted(List<String> requestsSeen, Object... statusAndBody) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        AtomicInteger calls = new AtomicInteger();
        server.createContext("/", exchange -> {
            int i = Math.min(calls.getAndIncrement(), statusAndBody.length / 2 - 1);
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            requestsSeen.add(
                    exchange.getRequestMethod() + " " + exchange.getRequestURI() + (auth == null ? "" : " " + auth));
            byte[] body = statusAndBody[2 * i + 1].toString().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders((Integer) statusAndBody[2 * i], body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        closeables.add(() -> server.stop(0));
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Test
    void registersLooksUpAndCaches() throws IOException {
        var server = registry();
        var client = client(server.url(), Map.of());

        int id = client.register("t-value", V1);
        assertThat(client.register("t-value", V1)).isEqualTo(id);
        assertThat(client.schemaById(id)).isEqualTo(V1);
        assertThat(client.lookup("t-value", V1)).isEqualTo(new RegisteredSchema("t-value", 1, id, V1));
        assertThat(client.compatibilityViolations("t-value", V2)).isEmpty();
        assertThat(client.compatibilityViolations("new-value", V2_NO_DEFAULT)).isEmpty();
        assertThat(client.subjects()).containsExactly("t-value");

        server.close(); // cached answers need no server
        assertThat(client.schemaById(id)).isEqualTo(V1);
        assertThat(client.register("t-value", V1)).isEqualTo(id);
    }

    @Test
    void mapsNotFoundAnswersToKinds() throws IOException {
        var client = client(registry().url(), Map.of());
        assertThatThrownBy(() -> client.latest("none-value"))
                .isInstanceOfSatisfying(
                        SchemaRegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.SUBJECT_NOT_FOUND));
        assertThatThrownBy(() -> client.schemaById(42))
                .isInstanceOfSatisfying(
                        SchemaRegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.SCHEMA_NOT_FOUND));
        client.register("t-value", V1);
        assertThatThrownBy(() -> client.lookup("t-value", V2))
                .isInstanceOfSatisfying(
                        SchemaRegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.SCHEMA_NOT_FOUND));
        assertThatThrownBy(() -> client.version("t-value", 7))
                .isInstanceOfSatisfying(
                        SchemaRegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.VERSION_NOT_FOUND));
        assertThat(sleeps).isEmpty(); // 4xx is not retried
    }

    @Test
    void incompatibleSchemaIsRefusedWith409() throws IOException {
        var client = client(registry().url(), Map.of());
        client.register("t-value", V1);
        assertThat(client.compatibilityViolations("t-value", V2_NO_DEFAULT))
                .singleElement()
                .asString()
                .contains("READER_FIELD_MISSING_DEFAULT")
                .contains("size");
        assertThatThrownBy(() -> client.register("t-value", V2_NO_DEFAULT))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.INCOMPATIBLE_SCHEMA);
                    assertThat(e.errorCode()).isEqualTo(409);
                });
        assertThat(client.register("t-value", V2)).isPositive();
    }

    @Test
    void maps422FromTheRegistry() throws IOException {
        var seen = new ArrayList<String>();
        var client = client(scripted(seen, 422, "{\"error_code\":42201,\"message\":\"Invalid schema\"}"), Map.of());
        assertThatThrownBy(() -> client.register("t-value", V1))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.INVALID_SCHEMA);
                    assertThat(e).hasMessageContaining("Invalid schema");
                });
        assertThat(seen).containsExactly("POST /subjects/t-value/versions");
    }

    @Test
    void retries5xxWithGrowingBackoffThenSucceeds() throws IOException {
        var seen = new ArrayList<String>();
        String url = scripted(
                seen,
                500,
                "{\"error_code\":50001,\"message\":\"Error in the backend data store\"}",
                503,
                "Service Unavailable",
                200,
                "{\"schema\":" + com.fasterxml.jackson.databind.node.TextNode.valueOf(V1.toString()) + "}");
        var client =
                client(url, Map.of(RegistryClientConfig.RETRIES_WAIT_MS, 100, RegistryClientConfig.MAX_RETRIES, 3));

        assertThat(client.schemaById(7)).isEqualTo(V1);
        assertThat(seen).hasSize(3);
        assertThat(sleeps).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200));
    }

    @Test
    void givesUpAfterMaxRetriesWithARetriableError() throws IOException {
        var seen = new ArrayList<String>();
        var client =
                client(scripted(seen, 502, "<html>Bad Gateway</html>"), Map.of(RegistryClientConfig.MAX_RETRIES, 2));
        assertThatThrownBy(() -> client.schemaById(1)).isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
            assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
            assertThat(e.isRetriable()).isTrue();
        });
        assertThat(seen).hasSize(3);
    }

    @Test
    void reachesARegistryThatIsDownAtFirst() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        InMemorySchemaRegistry store = new InMemorySchemaRegistry();
        int id = store.register("t-value", V1);
        // Nothing listens on the port; the registry comes up while the client backs off after its first failure.
        HttpSchemaRegistryClient client =
                new HttpSchemaRegistryClient(RegistryClientConfig.of("http://127.0.0.1:" + port), backoff -> {
                    sleeps.add(backoff);
                    if (sleeps.size() == 1) {
                        try {
                            closeables.add(SchemaRegistryHttpServer.start(store, "127.0.0.1", port));
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                });
        assertThat(client.schemaById(id)).isEqualTo(V1);
        assertThat(sleeps).hasSize(1);
    }

    @Test
    void sendsBasicAuthFromUserInfoOrUrl() throws IOException {
        var seen = new ArrayList<String>();
        String url = scripted(seen, 200, "[\"a-value\"]");
        String expected =
                "Basic " + Base64.getEncoder().encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8));

        client(
                        url,
                        Map.of(
                                RegistryClientConfig.BASIC_AUTH_SOURCE,
                                "USER_INFO",
                                RegistryClientConfig.BASIC_AUTH_USER_INFO,
                                "alice:s3cret"))
                .subjects();
        client(url.replace("http://", "http://alice:s3cret@"), Map.of(RegistryClientConfig.BASIC_AUTH_SOURCE, "URL"))
                .subjects();
        client(url, Map.of()).subjects();

        assertThat(seen).containsExactly("GET /subjects " + expected, "GET /subjects " + expected, "GET /subjects");
    }

    @Test
    void mapsUnauthorizedAndNonJsonSuccess() throws IOException {
        var seen = new ArrayList<String>();
        var unauthorized = client(scripted(seen, 401, "{\"error_code\":401,\"message\":\"Unauthorized\"}"), Map.of());
        assertThatThrownBy(unauthorized::subjects)
                .isInstanceOfSatisfying(
                        SchemaRegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNAUTHORIZED));
        var garbage = client(scripted(seen, 200, "<html>proxy login</html>"), Map.of());
        assertThatThrownBy(() -> garbage.schemaById(1))
                .isInstanceOfSatisfying(
                        SchemaRegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.OTHER));
    }

    @Test
    void fallsOverToTheNextUrl() throws IOException {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            deadPort = s.getLocalPort();
        }
        var server = registry();
        int id = server.registry().register("t-value", V1);
        var client = client("http://127.0.0.1:" + deadPort + "," + server.url(), Map.of());
        assertThat(client.schemaById(id)).isEqualTo(V1);
        assertThat(sleeps).hasSize(1);
    }
}
