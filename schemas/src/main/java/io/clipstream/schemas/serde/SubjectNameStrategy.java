package io.clipstream.schemas.serde;

import java.util.Locale;
import org.apache.avro.Schema;
import org.apache.kafka.common.config.ConfigException;

/**
 * Which registry subject a record's schema belongs to, as in Confluent's serializers. TopicNameStrategy
 * ({@code <topic>-key} / {@code <topic>-value}) allows one record type per topic; RecordNameStrategy
 * (the record's full name) and TopicRecordNameStrategy ({@code <topic>-<full name>}) allow several.
 */
public enum SubjectNameStrategy {
    TOPIC_NAME("TopicNameStrategy"),
    RECORD_NAME("RecordNameStrategy"),
    TOPIC_RECORD_NAME("TopicRecordNameStrategy");

    private final String confluentName;

    SubjectNameStrategy(String confluentName) {
        this.confluentName = confluentName;
    }

    public String subject(String topic, boolean isKey, Schema schema) {
        return switch (this) {
            case TOPIC_NAME -> topic + (isKey ? "-key" : "-value");
            case RECORD_NAME -> schema.getFullName();
            case TOPIC_RECORD_NAME -> topic + "-" + schema.getFullName();
        };
    }

    /**
     * Reads a strategy setting: Confluent's class name
     * ({@code io.confluent.kafka.serializers.subject.RecordNameStrategy}), its simple name, a Class, or
     * this enum's name.
     */
    public static SubjectNameStrategy parse(String key, Object value) {
        if (value == null) {
            return TOPIC_NAME;
        }
        String text = value instanceof Class<?> c
                ? c.getSimpleName()
                : value.toString().trim();
        String simple = text.substring(text.lastIndexOf('.') + 1);
        for (SubjectNameStrategy s : values()) {
            if (s.confluentName.equals(simple) || s.name().equals(simple.toUpperCase(Locale.ROOT))) {
                return s;
            }
        }
        throw new ConfigException(
                key, value, "supported: TopicNameStrategy, RecordNameStrategy, TopicRecordNameStrategy");
    }
}
