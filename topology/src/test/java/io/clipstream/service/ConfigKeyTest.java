package io.clipstream.service;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConfigKeyTest {
    @Test
    void environmentNamesUpperCaseTheKeyWithUnderscores() {
        assertThat(ConfigKey.of("batch.max.wait.ms", "50", "m").envName()).isEqualTo("CLIPSTREAM_BATCH_MAX_WAIT_MS");
        assertThat(ConfigKey.envName("kafka.sasl.jaas.config")).isEqualTo("CLIPSTREAM_KAFKA_SASL_JAAS_CONFIG");
    }

    @Test
    void credentialsLookSecretAndOrdinarySettingsDoNot() {
        assertThat(ConfigKey.looksSecret("kafka.sasl.jaas.config")).isTrue();
        assertThat(ConfigKey.looksSecret("kafka.ssl.keystore.password")).isTrue();
        assertThat(ConfigKey.looksSecret("schema.registry.basic.auth.user.info"))
                .isTrue();
        assertThat(ConfigKey.looksSecret("kafka.sasl.oauthbearer.token.endpoint.url"))
                .isTrue();
        assertThat(ConfigKey.looksSecret("kafka.security.protocol")).isFalse();
        assertThat(ConfigKey.looksSecret("batch.size")).isFalse();
        assertThat(ConfigKey.secret("x", "m").defaultValue()).isEmpty();
        assertThat(ConfigKey.required("x", "m").defaultValue()).isNull();
    }
}
