package io.clipstream.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class SchemaRegistryClientsTest {

    @Test
    void mockUrlsShareAnInMemoryRegistryPerScope() {
        var a = SchemaRegistryClients.fromConfig(Map.of("schema.registry.url", "mock://clients-test"));
        assertThat(a).isSameAs(InMemorySchemaRegistry.forScope("clients-test"));
        InMemorySchemaRegistry.dropScope("clients-test");
        assertThatThrownBy(() -> SchemaRegistryClients.fromConfig(Map.of("schema.registry.url", "mock://")))
                .isInstanceOf(ConfigException.class);
    }

    @Test
    void httpUrlsGetTheHttpClient() {
        assertThat(SchemaRegistryClients.fromConfig(Map.of("schema.registry.url", "http://127.0.0.1:1")))
                .isInstanceOf(HttpSchemaRegistryClient.class);
    }
}
