package io.clipstream.schemas.registry;

import io.clipstream.schemas.Redaction;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.common.config.ConfigException;

/**
 * How to reach a registry over HTTP, read from the same configuration keys Confluent's serializers use,
 * so an existing Kafka client configuration works unchanged.
 *
 * @param urls           {@code schema.registry.url}: one or more base URLs, tried in turn
 * @param userInfo       {@code user:password} for HTTP basic auth, or null
 * @param bearerToken    {@code bearer.auth.token} sent as {@code Authorization: Bearer}, or null
 * @param sslContext     TLS settings from {@code schema.registry.ssl.*}, or null for the JDK default
 * @param maxRetries     {@code max.retries}: extra attempts after a connection failure or 5xx answer
 * @param retryWait      {@code retries.wait.ms}: first backoff, doubled each retry
 * @param retryMaxWait   {@code retries.max.wait.ms}: longest backoff
 * @param requestTimeout {@code http.read.timeout.ms}: time allowed for one answer
 * @param connectTimeout {@code http.connect.timeout.ms}
 * @param latestTtl      {@code latest.cache.ttl.sec}: how long "latest version" answers are cached (negative: forever)
 */
public record RegistryClientConfig(
        List<URI> urls,
        String userInfo,
        String bearerToken,
        SSLContext sslContext,
        int maxRetries,
        Duration retryWait,
        Duration retryMaxWait,
        Duration requestTimeout,
        Duration connectTimeout,
        Duration latestTtl) {

    public static final String URL = "schema.registry.url";
    public static final String BASIC_AUTH_SOURCE = "basic.auth.credentials.source";
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    public static final String BEARER_AUTH_SOURCE = "bearer.auth.credentials.source";
    public static final String BEARER_AUTH_TOKEN = "bearer.auth.token";
    public static final String SSL_PREFIX = "schema.registry.ssl.";
    public static final String MAX_RETRIES = "max.retries";
    public static final String RETRIES_WAIT_MS = "retries.wait.ms";
    public static final String RETRIES_MAX_WAIT_MS = "retries.max.wait.ms";
    public static final String READ_TIMEOUT_MS = "http.read.timeout.ms";
    public static final String CONNECT_TIMEOUT_MS = "http.connect.timeout.ms";
    public static final String LATEST_CACHE_TTL_SEC = "latest.cache.ttl.sec";

    /** A plain configuration for one URL with the defaults. */
    public static RegistryClientConfig of(String url) {
        return from(Map.of(URL, url));
    }

    /** Reads the Confluent keys; unknown keys are ignored (they belong to the Kafka client). */
    public static RegistryClientConfig from(Map<String, ?> configs) {
        Object rawUrls = configs.get(URL);
        if (rawUrls == null || rawUrls.toString().isBlank()) {
            throw new ConfigException(URL, rawUrls, "a schema registry URL is required");
        }
        List<URI> urls = new ArrayList<>();
        String userInfoFromUrl = null;
        for (String part : rawUrls.toString().split(",")) {
            URI uri;
            try {
                uri = URI.create(part.trim());
            } catch (IllegalArgumentException e) {
                throw new ConfigException(
                        URL, Redaction.text(part.trim()), "not a valid URL: " + Redaction.text(e.getMessage()));
            }
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                throw new ConfigException(
                        URL, Redaction.text(part.trim()), "only http and https registry URLs are supported");
            }
            if (uri.getRawUserInfo() != null) {
                userInfoFromUrl = uri.getUserInfo();
            }
            urls.add(stripUserInfo(uri));
        }
        String bearer = bearerToken(configs);
        String basic = userInfo(configs, userInfoFromUrl, bearer != null);
        return new RegistryClientConfig(
                List.copyOf(urls),
                basic,
                bearer,
                ssl(configs),
                integer(configs, MAX_RETRIES, 3),
                Duration.ofMillis(integer(configs, RETRIES_WAIT_MS, 1000)),
                Duration.ofMillis(integer(configs, RETRIES_MAX_WAIT_MS, 20000)),
                Duration.ofMillis(integer(configs, READ_TIMEOUT_MS, 60000)),
                Duration.ofMillis(integer(configs, CONNECT_TIMEOUT_MS, 60000)),
                Duration.ofSeconds(integer(configs, LATEST_CACHE_TTL_SEC, -1)));
    }

    private static URI stripUserInfo(URI uri) {
        String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceAll("/+$", "");
        return URI.create(
                uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort()) + path);
    }

    /**
     * Basic auth as Confluent's clients do it: {@code basic.auth.credentials.source} USER_INFO or URL, and when it is not
     * set, the URL's user info if it has some (Confluent's default source is URL). Not both basic and bearer auth.
     */
    private static String userInfo(Map<String, ?> configs, String fromUrl, boolean bearer) {
        Object source = configs.get(BASIC_AUTH_SOURCE);
        if (source == null || source.toString().isBlank()) {
            return bearer ? null : fromUrl;
        }
        if (bearer) {
            throw new ConfigException(
                    BASIC_AUTH_SOURCE,
                    source,
                    "the registry takes one Authorization header: " + "configure basic auth or bearer auth ("
                            + BEARER_AUTH_SOURCE + "), not both");
        }
        switch (source.toString()) {
            case "USER_INFO": {
                Object info = configs.get(BASIC_AUTH_USER_INFO);
                if (info == null) info = configs.get("schema.registry." + BASIC_AUTH_USER_INFO);
                if (info == null || !info.toString().contains(":")) {
                    throw new ConfigException(BASIC_AUTH_USER_INFO, "(hidden)", "expected user:password");
                }
                return info.toString();
            }
            case "URL":
                if (fromUrl == null) {
                    throw new ConfigException(URL, "(hidden)", "basic auth source URL needs user:password@ in the URL");
                }
                return fromUrl;
            default:
                throw new ConfigException(BASIC_AUTH_SOURCE, source, "supported: USER_INFO, URL");
        }
    }

    /** {@code bearer.auth.credentials.source=STATIC_TOKEN} with {@code bearer.auth.token}; null when not configured. */
    private static String bearerToken(Map<String, ?> configs) {
        String source = string(configs, BEARER_AUTH_SOURCE);
        String token = string(configs, BEARER_AUTH_TOKEN);
        if (token == null) token = string(configs, "schema.registry." + BEARER_AUTH_TOKEN);
        if (source == null) {
            if (token != null) {
                throw new ConfigException(
                        BEARER_AUTH_SOURCE, null, "set it to STATIC_TOKEN to send " + BEARER_AUTH_TOKEN);
            }
            return null;
        }
        if (!source.equals("STATIC_TOKEN")) {
            throw new ConfigException(BEARER_AUTH_SOURCE, source, "supported: STATIC_TOKEN");
        }
        if (token == null || token.isBlank()) {
            throw new ConfigException(
                    BEARER_AUTH_TOKEN, "(hidden)", "required with " + BEARER_AUTH_SOURCE + "=STATIC_TOKEN");
        }
        return token.trim();
    }

    private static SSLContext ssl(Map<String, ?> configs) {
        String trustStore = string(configs, SSL_PREFIX + "truststore.location");
        String keyStore = string(configs, SSL_PREFIX + "keystore.location");
        String identification = string(configs, SSL_PREFIX + "endpoint.identification.algorithm");
        if (identification != null && !identification.equalsIgnoreCase("https")) {
            throw new ConfigException(
                    SSL_PREFIX + "endpoint.identification.algorithm",
                    identification,
                    "host name verification cannot be turned off per client with java.net.http");
        }
        if (trustStore == null && keyStore == null) {
            return null;
        }
        try {
            TrustManagerFactory tmf = null;
            if (trustStore != null) {
                KeyStore ts = load(
                        trustStore,
                        string(configs, SSL_PREFIX + "truststore.type"),
                        string(configs, SSL_PREFIX + "truststore.password"));
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(ts);
            }
            KeyManagerFactory kmf = null;
            if (keyStore != null) {
                String storePassword = string(configs, SSL_PREFIX + "keystore.password");
                KeyStore ks = load(keyStore, string(configs, SSL_PREFIX + "keystore.type"), storePassword);
                String keyPassword = string(configs, SSL_PREFIX + "key.password");
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, chars(keyPassword != null ? keyPassword : storePassword));
            }
            String protocol = string(configs, SSL_PREFIX + "protocol");
            SSLContext context = SSLContext.getInstance(protocol != null ? protocol : "TLS");
            context.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException("Cannot set up TLS for the schema registry: " + e.getMessage());
        }
    }

    private static KeyStore load(String location, String type, String password)
            throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(type != null ? type : "JKS");
        try (InputStream in = Files.newInputStream(Path.of(location))) {
            store.load(in, chars(password));
        }
        return store;
    }

    private static char[] chars(String password) {
        return password == null ? null : password.toCharArray();
    }

    private static String string(Map<String, ?> configs, String key) {
        Object value = configs.get(key);
        if (value == null) return null;
        if (value instanceof org.apache.kafka.common.config.types.Password p) return p.value();
        String text = value.toString();
        return text.isEmpty() && !key.endsWith("algorithm") ? null : text;
    }

    private static int integer(Map<String, ?> configs, String key, int defaultValue) {
        Object value = configs.get(key);
        if (value == null) return defaultValue;
        try {
            return value instanceof Number n
                    ? n.intValue()
                    : Integer.parseInt(value.toString().trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(key, value, "not an integer");
        }
    }

    @Override
    public String toString() {
        return "RegistryClientConfig[urls=" + urls + ", basicAuth=" + (userInfo != null) + ", bearerAuth="
                + (bearerToken != null) + ", tls=" + (sslContext != null) + ", maxRetries=" + maxRetries + "]";
    }
}
