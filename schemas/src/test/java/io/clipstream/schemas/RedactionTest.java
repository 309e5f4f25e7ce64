package io.clipstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

class RedactionTest {

    @Test
    void keysThatNameACredentialAreSecret() {
        for (String key : new String[] {
            "kafka.sasl.jaas.config",
            "kafka.ssl.truststore.password",
            "kafka.ssl.keystore.password",
            "kafka.ssl.key.password",
            "schema.registry.ssl.truststore.password",
            "schema.registry.ssl.keystore.password",
            "schema.registry.ssl.key.password",
            "schema.registry.basic.auth.user.info",
            "basic.auth.user.info",
            "schema.registry.bearer.auth.token",
            "bearer.auth.token",
            "kafka.sasl.oauthbearer.client.credentials.client.secret",
            "my.api.key",
            "kafka.ssl.keystore.key",
            "some.private.thing",
            "CLIPSTREAM_BEARER_AUTH_TOKEN",
            "kafka.sasl.oauthbearer.token.endpoint.url"
        }) {
            assertThat(Redaction.isSecretKey(key)).as(key).isTrue();
            assertThat(Redaction.value(key, "s3cret")).as(key).isEqualTo("[hidden]");
        }
        for (String key : new String[] {
            "batch.size",
            "schema.registry.url",
            "basic.auth.credentials.source",
            "bearer.auth.credentials.source",
            "kafka.ssl.truststore.location",
            "kafka.ssl.keystore.type",
            "kafka.sasl.mechanism",
            "auto.register.schemas"
        }) {
            assertThat(Redaction.isSecretKey(key)).as(key).isFalse();
        }
        assertThat(Redaction.value("kafka.ssl.truststore.password", "")).isEmpty();
    }

    @Test
    void urlUserInfoIsHiddenInValuesAndInAnyText() {
        assertThat(Redaction.value("schema.registry.url", "http://bob:pw-1@reg:8081,https://al:pw-2@reg2/x"))
                .isEqualTo("http://[hidden]@reg:8081,https://[hidden]@reg2/x");
        assertThat(Redaction.text("GET failed for http://bob:pw-1@reg:8081/subjects: refused"))
                .isEqualTo("GET failed for http://[hidden]@reg:8081/subjects: refused")
                .doesNotContain("pw-1");
        assertThat(Redaction.url(URI.create("https://tok3n@images.example/a.png")))
                .isEqualTo("https://[hidden]@images.example/a.png");
        assertThat(Redaction.text("http://reg:8081/subjects/a@b")).isEqualTo("http://reg:8081/subjects/a@b");
    }

    @Test
    void credentialLikeQueryParametersAreHidden() {
        String url = "https://bucket.s3.example/a.png?X-Amz-Credential=AKIA1&X-Amz-Signature=abcd&width=64"
                + "&access_token=t0k&sig=xyz";
        assertThat(Redaction.text(url))
                .isEqualTo("https://bucket.s3.example/a.png?X-Amz-Credential=[hidden]"
                        + "&X-Amz-Signature=[hidden]&width=64&access_token=[hidden]&sig=[hidden]");
        assertThat(Redaction.text("https://h/a.png?size=3")).isEqualTo("https://h/a.png?size=3");
    }

    @Test
    void quotedPasswordsAndAuthorizationHeadersAreHidden() {
        assertThat(Redaction.text("ScramLoginModule required username=\"svc\" password=\"hunter2\";"))
                .isEqualTo("ScramLoginModule required username=\"svc\" password=[hidden];");
        assertThat(Redaction.text("{\"message\":\"jaas: username=\\\"svc\\\" password=\\\"hunter2\\\";\"}"))
                .isEqualTo("{\"message\":\"jaas: username=\\\"svc\\\" password=[hidden];\"}");
        assertThat(Redaction.text("Authorization: Bearer eyJhbGciOi.J9xyz"))
                .isEqualTo("Authorization: Bearer [hidden]");
        assertThat(Redaction.text("sent Bearer eyJhbGciOiJIUzI1NiJ9.payload")).isEqualTo("sent Bearer [hidden]");
        assertThat(Redaction.text("Basic auth to the registry failed")).isEqualTo("Basic auth to the registry failed");
        assertThat(Redaction.text(null)).isNull();
    }
}
