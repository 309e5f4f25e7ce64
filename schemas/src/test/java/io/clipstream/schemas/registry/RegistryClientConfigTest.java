package io.clipstream.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class RegistryClientConfigTest {

    @Test
    void readsUrlsDefaultsAndCredentials() {
        var config = RegistryClientConfig.from(Map.of(
                "schema.registry.url",
                "http://bob:pw@127.0.0.1:8081/, https://r2:443",
                "basic.auth.credentials.source",
                "URL",
                "max.retries",
                "5"));
        assertThat(config.urls()).containsExactly(URI.create("http://127.0.0.1:8081"), URI.create("https://r2:443"));
        assertThat(config.userInfo()).isEqualTo("bob:pw");
        assertThat(config.maxRetries()).isEqualTo(5);
        assertThat(config.retryWait()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.toString()).doesNotContain("pw");
    }

    @Test
    void bearerAuthAndUrlUserInfoAsConfluentsClientsReadThem() {
        var bearer = RegistryClientConfig.from(Map.of(
                "schema.registry.url",
                "http://bob:pw@r:8081",
                "bearer.auth.credentials.source",
                "STATIC_TOKEN",
                "bearer.auth.token",
                "t0k"));
        assertThat(bearer.bearerToken()).isEqualTo("t0k");
        assertThat(bearer.userInfo())
                .as("a bearer token wins over the URL's user info")
                .isNull();
        assertThat(bearer.toString()).contains("bearerAuth=true").doesNotContain("t0k");
        // Confluent's default basic.auth.credentials.source is URL.
        assertThat(RegistryClientConfig.of("http://bob:pw@r:8081").userInfo()).isEqualTo("bob:pw");
        assertThat(RegistryClientConfig.of("http://r:8081").userInfo()).isNull();
        assertThatThrownBy(() -> RegistryClientConfig.from(Map.of(
                        "schema.registry.url",
                        "http://r",
                        "bearer.auth.credentials.source",
                        "STATIC_TOKEN",
                        "bearer.auth.token",
                        "t",
                        "basic.auth.credentials.source",
                        "USER_INFO",
                        "basic.auth.user.info",
                        "a:b")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("not both");
        assertThatThrownBy(() -> RegistryClientConfig.from(
                        Map.of("schema.registry.url", "http://r", "bearer.auth.credentials.source", "STATIC_TOKEN")))
                .isInstanceOf(ConfigException.class);
        assertThatThrownBy(() ->
                        RegistryClientConfig.from(Map.of("schema.registry.url", "http://r", "bearer.auth.token", "t")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("STATIC_TOKEN");
        assertThatThrownBy(() -> RegistryClientConfig.from(Map.of(
                        "schema.registry.url",
                        "http://r",
                        "bearer.auth.credentials.source",
                        "OAUTHBEARER",
                        "bearer.auth.token",
                        "t")))
                .isInstanceOf(ConfigException.class);
    }

    @Test
    void refusesWhatItCannotHonour() {
        assertThatThrownBy(() -> RegistryClientConfig.from(Map.of())).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> RegistryClientConfig.of("ftp://x")).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> RegistryClientConfig.from(
                        Map.of("schema.registry.url", "http://x", "basic.auth.credentials.source", "SASL_INHERIT")))
                .isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> RegistryClientConfig.from(Map.of(
                        "schema.registry.url",
                        "https://x",
                        "schema.registry.ssl.endpoint.identification.algorithm",
                        "")))
                .isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> RegistryClientConfig.from(Map.of(
                        "schema.registry.url",
                        "https://x",
                        "schema.registry.ssl.truststore.location",
                        "/nonexistent/truststore.jks")))
                .isInstanceOf(ConfigException.class);
    }
}
