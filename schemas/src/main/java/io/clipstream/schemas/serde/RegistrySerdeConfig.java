package io.clipstream.schemas.serde;

import java.util.Map;
import org.apache.kafka.common.config.ConfigException;

/**
 * The serde settings, under Confluent's key names so existing client configurations carry over.
 * Registry connection settings ({@code schema.registry.url}, basic auth, {@code schema.registry.ssl.*})
 * are read by {@link io.clipstream.schemas.registry.RegistryClientConfig}.
 *
 * @param autoRegister     {@code auto.register.schemas} (default true): register the record's schema on write
 * @param useLatestVersion {@code use.latest.version} (default false): write with the subject's latest
 *                         schema id (the record's schema must then encode identically)
 * @param keyStrategy      {@code key.subject.name.strategy}
 * @param valueStrategy    {@code value.subject.name.strategy}
 * @param specificReader   {@code specific.avro.reader} (default false): read generated classes instead of GenericRecord
 */
public record RegistrySerdeConfig(
        boolean autoRegister,
        boolean useLatestVersion,
        SubjectNameStrategy keyStrategy,
        SubjectNameStrategy valueStrategy,
        boolean specificReader) {

    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    public static final String USE_LATEST_VERSION = "use.latest.version";
    public static final String KEY_SUBJECT_NAME_STRATEGY = "key.subject.name.strategy";
    public static final String VALUE_SUBJECT_NAME_STRATEGY = "value.subject.name.strategy";
    public static final String SPECIFIC_AVRO_READER = "specific.avro.reader";

    public static RegistrySerdeConfig from(Map<String, ?> configs) {
        return new RegistrySerdeConfig(
                bool(configs, AUTO_REGISTER_SCHEMAS, true),
                bool(configs, USE_LATEST_VERSION, false),
                SubjectNameStrategy.parse(KEY_SUBJECT_NAME_STRATEGY, configs.get(KEY_SUBJECT_NAME_STRATEGY)),
                SubjectNameStrategy.parse(VALUE_SUBJECT_NAME_STRATEGY, configs.get(VALUE_SUBJECT_NAME_STRATEGY)),
                bool(configs, SPECIFIC_AVRO_READER, false));
    }

    public SubjectNameStrategy strategy(boolean isKey) {
        return isKey ? keyStrategy : valueStrategy;
    }

    private static boolean bool(Map<String, ?> configs, String key, boolean defaultValue) {
        Object value = configs.get(key);
        if (value == null) return defaultValue;
        if (value instanceof Boolean b) return b;
        String text = value.toString().trim();
        if (text.equalsIgnoreCase("true")) return true;
        if (text.equalsIgnoreCase("false")) return false;
        throw new ConfigException(key, value, "expected true or false");
    }
}
