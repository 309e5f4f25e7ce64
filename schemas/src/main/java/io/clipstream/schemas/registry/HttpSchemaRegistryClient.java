package io.clipstream.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clipstream.schemas.Redaction;
import io.clipstream.schemas.registry.SchemaRegistryException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * A client for any registry speaking Confluent's REST API (Confluent Schema Registry, Karapace, Redpanda,
 * Apicurio's ccompat API), over the JDK's {@code java.net.http}.
 *
 * <p>Schemas by id and ids by (subject, schema) never change once assigned, so they are cached for good;
 * "latest version" answers are cached for {@code latest.cache.ttl.sec}. Connection failures and 5xx
 * answers are retried with exponential backoff, trying the configured URLs in turn; 4xx answers become
 * {@link SchemaRegistryException}s of the matching kind at once.
 */
public final class HttpSchemaRegistryClient implements SchemaRegistryClient {

    /** Pauses between retries; replaceable so tests can act at that moment instead of waiting. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    /** Largest registry answer read; an Avro schema of our size is a few kilobytes. */
    static final int MAX_ANSWER_BYTES = 8 << 20;

    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RegistryClientConfig config;
    private final HttpClient http;
    private final Sleeper sleeper;
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Map<String, Integer> idsBySubjectAndSchema = new ConcurrentHashMap<>();
    private final Map<String, Cached> latestBySubject = new ConcurrentHashMap<>();

    private record Cached(RegisteredSchema value, Instant fetched) {}

    public HttpSchemaRegistryClient(RegistryClientConfig config) {
        this(config, d -> Thread.sleep(d.toMillis()));
    }

    public HttpSchemaRegistryClient(RegistryClientConfig config, Sleeper sleeper) {
        this.config = config;
        this.sleeper = sleeper;
        HttpClient.Builder builder = HttpClient.newBuilder()
                .connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER);
        if (config.sslContext() != null) {
            builder.sslContext(config.sslContext());
        }
        this.http = builder.build();
    }

    @Override
    public int register(String subject, Schema schema) {
        String key = subject + "\u0000" + schema;
        Integer cached = idsBySubjectAndSchema.get(key);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = send("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema));
        int id = requiredInt(answer, "id");
        idsBySubjectAndSchema.put(key, id);
        schemasById.putIfAbsent(id, schema);
        return id;
    }

    @Override
    public Schema schemaById(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = send("GET", "/schemas/ids/" + id, null);
        Schema schema = parseSchema(answer);
        schemasById.putIfAbsent(id, schema);
        return schema;
    }

    @Override
    public RegisteredSchema latest(String subject) {
        Cached cached = latestBySubject.get(subject);
        Duration ttl = config.latestTtl();
        if (cached != null && (ttl.isNegative() || cached.fetched().plus(ttl).isAfter(Instant.now()))) {
            return cached.value();
        }
        RegisteredSchema latest = registered(send("GET", "/subjects/" + encode(subject) + "/versions/latest", null));
        latestBySubject.put(subject, new Cached(latest, Instant.now()));
        return latest;
    }

    @Override
    public RegisteredSchema version(String subject, int version) {
        return registered(send("GET", "/subjects/" + encode(subject) + "/versions/" + version, null));
    }

    @Override
    public RegisteredSchema lookup(String subject, Schema schema) {
        RegisteredSchema found = registered(send("POST", "/subjects/" + encode(subject), schemaBody(schema)));
        idsBySubjectAndSchema.put(subject + "\u0000" + schema, found.id());
        return found;
    }

    @Override
    public List<String> compatibilityViolations(String subject, Schema schema) {
        JsonNode answer;
        try {
            answer = send(
                    "POST",
                    "/compatibility/subjects/" + encode(subject) + "/versions/latest?verbose=true",
                    schemaBody(schema));
        } catch (SchemaRegistryException e) {
            if (e.kind() == Kind.SUBJECT_NOT_FOUND || e.kind() == Kind.VERSION_NOT_FOUND) {
                return List.of(); // nothing to be incompatible with
            }
            throw e;
        }
        JsonNode compatible = answer.get("is_compatible");
        if (compatible == null || !compatible.isBoolean()) {
            throw protocol("compatibility answer without is_compatible");
        }
        if (compatible.booleanValue()) {
            return List.of();
        }
        List<String> messages = new ArrayList<>();
        answer.path("messages").forEach(m -> messages.add(m.asText()));
        return messages.isEmpty() ? List.of("incompatible (the registry gave no details)") : messages;
    }

    @Override
    public List<String> subjects() {
        List<String> subjects = new ArrayList<>();
        send("GET", "/subjects", null).forEach(s -> subjects.add(s.asText()));
        return subjects;
    }

    @Override
    public List<Integer> versions(String subject) {
        List<Integer> versions = new ArrayList<>();
        send("GET", "/subjects/" + encode(subject) + "/versions", null).forEach(v -> versions.add(v.asInt()));
        return versions;
    }

    @Override
    public Compatibility compatibility(String subject) {
        String path = subject == null ? "/config" : "/config/" + encode(subject) + "?defaultToGlobal=true";
        JsonNode level = send("GET", path, null).get("compatibilityLevel");
        if (level == null) {
            throw protocol("config answer without compatibilityLevel");
        }
        return Compatibility.parse(level.asText());
    }

    @Override
    public void setCompatibility(String subject, Compatibility level) {
        String path = subject == null ? "/config" : "/config/" + encode(subject);
        send("PUT", path, JSON.createObjectNode().put("compatibility", level.name()));
    }

    private JsonNode send(String method, String pathAndQuery, ObjectNode body) {
        SchemaRegistryException last = null;
        Duration backoff = config.retryWait();
        for (int attempt = 0; attempt <= config.maxRetries(); attempt++) {
            if (attempt > 0) {
                try {
                    sleeper.sleep(backoff);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SchemaRegistryException(
                            Kind.UNAVAILABLE,
                            Kind.UNAVAILABLE.code(),
                            "Interrupted while waiting to retry the schema registry",
                            e);
                }
                backoff = backoff.multipliedBy(2).compareTo(config.retryMaxWait()) > 0
                        ? config.retryMaxWait()
                        : backoff.multipliedBy(2);
            }
            URI base = config.urls().get(attempt % config.urls().size());
            try {
                return sendOnce(base, method, pathAndQuery, body);
            } catch (SchemaRegistryException e) {
                if (!e.isRetriable()) {
                    throw e;
                }
                last = e;
            }
        }
        throw last;
    }

    private JsonNode sendOnce(URI base, String method, String pathAndQuery, ObjectNode body) {
        URI uri = URI.create(base + pathAndQuery);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(config.requestTimeout())
                .header("Accept", CONTENT_TYPE + ", application/json");
        if (config.userInfo() != null) {
            request.header(
                    "Authorization",
                    "Basic "
                            + Base64.getEncoder()
                                    .encodeToString(config.userInfo().getBytes(StandardCharsets.UTF_8)));
        } else if (config.bearerToken() != null) {
            request.header("Authorization", "Bearer " + config.bearerToken());
        }
        if (body != null) {
            request.header("Content-Type", CONTENT_TYPE);
            request.method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        int status;
        byte[] bytes;
        try {
            HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            status = response.statusCode();
            try (InputStream in = response.body()) {
                bytes = in.readNBytes(MAX_ANSWER_BYTES + 1);
            }
        } catch (IOException e) {
            throw new SchemaRegistryException(
                    Kind.UNAVAILABLE,
                    Kind.UNAVAILABLE.code(),
                    "Schema registry " + base + " unreachable: " + Redaction.text(String.valueOf(e)),
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException(
                    Kind.UNAVAILABLE, Kind.UNAVAILABLE.code(), "Interrupted while calling the schema registry", e);
        }
        if (bytes.length > MAX_ANSWER_BYTES) {
            throw protocol("answer from " + uri + " is over " + MAX_ANSWER_BYTES + " bytes");
        }
        JsonNode json;
        try {
            json = bytes.length == 0 ? null : JSON.readTree(bytes);
        } catch (IOException e) {
            json = null;
        }
        if (status >= 200 && status < 300) {
            if (json == null) {
                throw protocol("answer from " + uri + " is not JSON");
            }
            return json;
        }
        int code = json != null && json.path("error_code").isInt()
                ? json.get("error_code").asInt()
                : status;
        String message = json != null && json.path("message").isTextual()
                ? json.get("message").asText()
                : "HTTP " + status;
        Kind kind = Kind.of(code, status);
        throw new SchemaRegistryException(
                kind, code, method + " " + uri.getPath() + ": " + Redaction.text(message), null);
    }

    private static SchemaRegistryException protocol(String message) {
        return new SchemaRegistryException(
                Kind.OTHER, Kind.OTHER.code(), "Unexpected registry answer: " + message, null);
    }

    private static ObjectNode schemaBody(Schema schema) {
        return JSON.createObjectNode().put("schema", schema.toString());
    }

    private static RegisteredSchema registered(JsonNode answer) {
        JsonNode subject = answer.get("subject");
        if (subject == null || !subject.isTextual()) {
            throw protocol("no subject in " + abbreviate(answer));
        }
        return new RegisteredSchema(
                subject.asText(), requiredInt(answer, "version"), requiredInt(answer, "id"), parseSchema(answer));
    }

    private static Schema parseSchema(JsonNode answer) {
        JsonNode type = answer.get("schemaType");
        if (type != null && !type.isNull() && !type.asText().equals("AVRO")) {
            throw new SchemaRegistryException(Kind.INVALID_SCHEMA, "Not an Avro schema: " + type.asText());
        }
        JsonNode schema = answer.get("schema");
        if (schema == null || !schema.isTextual()) {
            throw protocol("no schema in " + abbreviate(answer));
        }
        return InMemorySchemaRegistry.parse(schema.asText());
    }

    private static int requiredInt(JsonNode answer, String field) {
        JsonNode value = answer.get(field);
        if (value == null || !value.canConvertToInt()) {
            throw protocol("no " + field + " in " + abbreviate(answer));
        }
        return value.asInt();
    }

    private static String abbreviate(JsonNode node) {
        String text = String.valueOf(node);
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
