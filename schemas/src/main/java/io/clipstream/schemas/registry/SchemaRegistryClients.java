package io.clipstream.schemas.registry;

import java.util.Map;
import org.apache.kafka.common.config.ConfigException;

/** Picks the registry client a configuration asks for: {@code mock://scope} in memory, else HTTP. */
public final class SchemaRegistryClients {

    public static final String MOCK_PREFIX = "mock://";

    private SchemaRegistryClients() {}

    public static SchemaRegistryClient fromConfig(Map<String, ?> configs) {
        Object url = configs.get(RegistryClientConfig.URL);
        if (url == null) {
            throw new ConfigException(RegistryClientConfig.URL, null, "a schema registry URL is required");
        }
        String text = url.toString().trim();
        if (text.startsWith(MOCK_PREFIX)) {
            String scope = text.substring(MOCK_PREFIX.length());
            if (scope.isEmpty() || text.contains(",")) {
                throw new ConfigException(
                        RegistryClientConfig.URL, text, "expected mock://<scope> with one scope name");
            }
            return InMemorySchemaRegistry.forScope(scope);
        }
        return new HttpSchemaRegistryClient(RegistryClientConfig.from(configs));
    }
}
