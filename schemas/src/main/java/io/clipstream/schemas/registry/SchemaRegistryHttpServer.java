package io.clipstream.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.clipstream.schemas.registry.SchemaRegistryException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.avro.Schema;

/**
 * Serves an {@link InMemorySchemaRegistry} over Confluent Schema Registry's REST API (the Avro subset:
 * subjects, versions, ids, compatibility, config), closely enough that Confluent's own
 * {@code CachedSchemaRegistryClient} and the usual tools work against it. Used as the embedded demo's
 * registry and as the test server. Not a production registry: nothing is persisted. For tests it can require one
 * {@code Authorization} header value ({@link #requireAuthorization}) and refuse registrations like a registry in
 * {@code READONLY} mode ({@link #readOnly}).
 */
public final class SchemaRegistryHttpServer implements AutoCloseable {

    /** Largest request body accepted; registry requests are one schema, far smaller. */
    static final int MAX_BODY_BYTES = 1 << 20;

    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final InMemorySchemaRegistry registry;
    private final HttpServer server;
    private final ExecutorService executor;
    private volatile String requiredAuthorization;
    private volatile boolean readOnly;
    /** Requests that carried the required Authorization header, and requests refused for want of it. */
    public final java.util.concurrent.atomic.AtomicInteger authorized = new java.util.concurrent.atomic.AtomicInteger();

    public final java.util.concurrent.atomic.AtomicInteger unauthorized =
            new java.util.concurrent.atomic.AtomicInteger();

    private SchemaRegistryHttpServer(InMemorySchemaRegistry registry, HttpServer server, ExecutorService executor) {
        this.registry = registry;
        this.server = server;
        this.executor = executor;
    }

    /** Starts serving {@code registry} on {@code host:port} (port 0 picks a free one). */
    public static SchemaRegistryHttpServer start(InMemorySchemaRegistry registry, String host, int port)
            throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 50);
        ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "schema-registry-http");
            t.setDaemon(true);
            return t;
        });
        var instance = new SchemaRegistryHttpServer(registry, server, executor);
        server.createContext("/", instance::handle);
        server.setExecutor(executor);
        server.start();
        return instance;
    }

    /** The base URL clients use, e.g. {@code http://127.0.0.1:8081}. */
    public String url() {
        InetSocketAddress address = server.getAddress();
        return "http://" + address.getHostString() + ":" + address.getPort();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public InMemorySchemaRegistry registry() {
        return registry;
    }

    /**
     * From now on answers only requests whose {@code Authorization} header is exactly {@code headerValue} (e.g.
     * {@code "Bearer abc"}); others get 401. Null accepts every request again.
     */
    public SchemaRegistryHttpServer requireAuthorization(String headerValue) {
        this.requiredAuthorization = headerValue;
        return this;
    }

    /**
     * Read-only mode (Confluent's {@code READONLY}): registering or deleting is refused with 422 / error code 42205;
     * lookups, reads and compatibility checks work. Schemas can still be put in through {@link #registry()}.
     */
    public SchemaRegistryHttpServer readOnly(boolean on) {
        this.readOnly = on;
        return this;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) {
        try (exchange) {
            Answer answer;
            String required = requiredAuthorization;
            try {
                if (required != null
                        && !required.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                    unauthorized.incrementAndGet();
                    throw new BadRequest(401, 401, "Unauthorized");
                }
                if (required != null) {
                    authorized.incrementAndGet();
                }
                answer = route(exchange.getRequestMethod(), segments(exchange), exchange);
            } catch (SchemaRegistryException e) {
                answer = error(e.kind().httpStatus(), e.kind().code(), e.getMessage());
            } catch (BadRequest e) {
                answer = error(e.status, e.code, e.getMessage());
            } catch (RuntimeException e) {
                answer = error(500, 50001, "Internal error: " + e);
            }
            byte[] body = JSON.writeValueAsBytes(answer.body);
            exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
            exchange.sendResponseHeaders(answer.status, body.length);
            exchange.getResponseBody().write(body);
        } catch (IOException e) {
            // The client went away; nothing to answer.
        }
    }

    private record Answer(int status, Object body) {}

    private static final class BadRequest extends RuntimeException {
        final int status;
        final int code;

        BadRequest(int status, int code, String message) {
            super(message);
            this.status = status;
            this.code = code;
        }
    }

    private static Answer ok(Object body) {
        return new Answer(200, body);
    }

    private static Answer error(int status, int code, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.put("error_code", code);
        body.put("message", message);
        return new Answer(status, body);
    }

    private static List<String> segments(HttpExchange exchange) {
        List<String> segments = new ArrayList<>();
        for (String raw : exchange.getRequestURI().getRawPath().split("/")) {
            if (!raw.isEmpty()) {
                segments.add(URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8));
            }
        }
        return segments;
    }

    private Answer route(String method, List<String> p, HttpExchange exchange) {
        String query = exchange.getRequestURI().getRawQuery();
        boolean verbose = query != null && query.contains("verbose=true");
        boolean defaultToGlobal = query != null && query.contains("defaultToGlobal=true");
        int n = p.size();
        String first = n > 0 ? p.get(0) : "";
        switch (method + " " + first + "/" + n) {
            case "GET /0":
                return ok(JSON.createObjectNode());
            case "GET subjects/1":
                return ok(registry.subjects());
            case "GET subjects/3":
                if (p.get(2).equals("versions")) return ok(registry.versions(p.get(1)));
                break;
            case "POST subjects/3":
                if (p.get(2).equals("versions")) return register(p.get(1), body(exchange));
                break;
            case "GET subjects/4":
                if (p.get(2).equals("versions")) return ok(versionJson(version(p.get(1), p.get(3))));
                break;
            case "GET subjects/5":
                if (p.get(2).equals("versions") && p.get(4).equals("schema")) {
                    return ok(rawSchema(version(p.get(1), p.get(3)).schema()));
                }
                break;
            case "POST subjects/2":
                return ok(versionJson(registry.lookup(p.get(1), schemaOf(body(exchange)))));
            case "DELETE subjects/2":
                refuseWhenReadOnly(p.get(1));
                return ok(registry.deleteSubject(p.get(1)));
            case "GET schemas/3":
                if (p.get(1).equals("ids")) return ok(schemaJson(registry.schemaById(id(p.get(2)))));
                if (p.get(1).equals("types")) break;
                break;
            case "GET schemas/2":
                if (p.get(1).equals("types")) return ok(List.of("AVRO"));
                break;
            case "GET schemas/4":
                if (p.get(1).equals("ids") && p.get(3).equals("schema")) {
                    return ok(rawSchema(registry.schemaById(id(p.get(2)))));
                }
                if (p.get(1).equals("ids") && p.get(3).equals("versions")) return ok(usages(id(p.get(2))));
                break;
            case "POST compatibility/5":
                if (p.get(1).equals("subjects") && p.get(3).equals("versions")) {
                    return compatibility(p.get(2), p.get(4), body(exchange), verbose);
                }
                break;
            case "GET config/1":
                return ok(level("compatibilityLevel", registry.compatibility(null)));
            case "PUT config/1":
                return setLevel(null, body(exchange));
            case "GET config/2": {
                Compatibility own = registry.subjectCompatibility(p.get(1));
                if (own == null && !defaultToGlobal) {
                    throw new SchemaRegistryException(
                            Kind.SUBJECT_CONFIG_NOT_FOUND,
                            "Subject '" + p.get(1) + "' does not have subject-level compatibility configured");
                }
                return ok(level("compatibilityLevel", registry.compatibility(p.get(1))));
            }
            case "PUT config/2":
                return setLevel(p.get(1), body(exchange));
            case "GET mode/1":
                return ok(JSON.createObjectNode().put("mode", readOnly ? "READONLY" : "READWRITE"));
            default:
                break;
        }
        throw new BadRequest(404, 404, "HTTP 404 Not Found: " + method + " /" + String.join("/", p));
    }

    private void refuseWhenReadOnly(String subject) {
        if (readOnly) {
            throw new SchemaRegistryException(
                    Kind.OPERATION_NOT_PERMITTED, "Subject " + subject + " is in read-only mode");
        }
    }

    private Answer register(String subject, JsonNode body) {
        refuseWhenReadOnly(subject);
        int id = registry.register(subject, schemaOf(body));
        return ok(JSON.createObjectNode().put("id", id));
    }

    private Answer compatibility(String subject, String version, JsonNode body, boolean verbose) {
        Schema schema = schemaOf(body);
        List<String> violations;
        if (version.equals("latest")) {
            violations = registry.compatibilityViolations(subject, schema);
        } else {
            RegisteredSchema against = version(subject, version);
            violations = registry.compatibility(subject).violations(schema, List.of(against.schema()));
        }
        ObjectNode answer = JSON.createObjectNode().put("is_compatible", violations.isEmpty());
        if (verbose) {
            ArrayNode messages = answer.putArray("messages");
            violations.forEach(messages::add);
        }
        return ok(answer);
    }

    private Answer setLevel(String subject, JsonNode body) {
        JsonNode level = body.get("compatibility");
        if (level == null || !level.isTextual()) {
            throw new SchemaRegistryException(Kind.INVALID_COMPATIBILITY_LEVEL, "Missing compatibility level");
        }
        Compatibility parsed = Compatibility.parse(level.asText());
        registry.setCompatibility(subject, parsed);
        return ok(level("compatibility", parsed));
    }

    private RegisteredSchema version(String subject, String version) {
        if (version.equals("latest") || version.equals("-1")) {
            return registry.latest(subject);
        }
        try {
            int v = Integer.parseInt(version);
            if (v < 1) throw new NumberFormatException();
            return registry.version(subject, v);
        } catch (NumberFormatException e) {
            throw new SchemaRegistryException(
                    Kind.INVALID_VERSION, "The specified version '" + version + "' is not a valid version id.");
        }
    }

    private static int id(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new BadRequest(404, 404, "HTTP 404 Not Found: schema id '" + text + "'");
        }
    }

    private ArrayNode usages(int id) {
        ArrayNode answer = JSON.createArrayNode();
        registry.usages(id)
                .forEach((subject, version) ->
                        answer.addObject().put("subject", subject).put("version", version));
        return answer;
    }

    private static ObjectNode level(String field, Compatibility level) {
        return JSON.createObjectNode().put(field, level.name());
    }

    private static JsonNode rawSchema(Schema schema) {
        try {
            return JSON.readTree(schema.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode schemaJson(Schema schema) {
        return JSON.createObjectNode().put("schema", schema.toString());
    }

    private static ObjectNode versionJson(RegisteredSchema entry) {
        return JSON.createObjectNode()
                .put("subject", entry.subject())
                .put("version", entry.version())
                .put("id", entry.id())
                .put("schema", entry.schema().toString());
    }

    /** The Avro schema in a register/lookup/compatibility body: {"schema": "...", "schemaType"?, "references"?}. */
    private static Schema schemaOf(JsonNode body) {
        JsonNode type = body.get("schemaType");
        if (type != null && !type.isNull() && !type.asText().equals("AVRO")) {
            throw new SchemaRegistryException(
                    Kind.INVALID_SCHEMA, "Only AVRO schemas are supported, not " + type.asText());
        }
        JsonNode references = body.get("references");
        if (references != null && references.isArray() && !references.isEmpty()) {
            throw new SchemaRegistryException(Kind.INVALID_SCHEMA, "Schema references are not supported");
        }
        JsonNode schema = body.get("schema");
        if (schema == null || !schema.isTextual()) {
            throw new BadRequest(422, 422, "Request body has no \"schema\" string");
        }
        return InMemorySchemaRegistry.parse(schema.asText());
    }

    private static JsonNode body(HttpExchange exchange) {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
            if (bytes.length > MAX_BODY_BYTES) {
                throw new BadRequest(413, 413, "Request body over " + MAX_BODY_BYTES + " bytes");
            }
            JsonNode node = JSON.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new BadRequest(422, 422, "Request body is not a JSON object");
            }
            return node;
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new BadRequest(422, 422, "Request body is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
