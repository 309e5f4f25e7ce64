package io.clipstream.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class RegistrySerdeConfigTest {

    @Test
    void defaultsAreConfluents() {
        assertThat(RegistrySerdeConfig.from(Map.of()))
                .isEqualTo(new RegistrySerdeConfig(
                        true, false, SubjectNameStrategy.TOPIC_NAME, SubjectNameStrategy.TOPIC_NAME, false));
    }

    @Test
    void readsEveryKey() {
        var config = RegistrySerdeConfig.from(Map.of(
                "auto.register.schemas",
                "false",
                "use.latest.version",
                true,
                "key.subject.name.strategy",
                "RecordNameStrategy",
                "value.subject.name.strategy",
                "TopicRecordNameStrategy",
                "specific.avro.reader",
                "TRUE"));
        assertThat(config)
                .isEqualTo(new RegistrySerdeConfig(
                        false, true, SubjectNameStrategy.RECORD_NAME, SubjectNameStrategy.TOPIC_RECORD_NAME, true));
        assertThat(config.strategy(true)).isEqualTo(SubjectNameStrategy.RECORD_NAME);
        assertThatThrownBy(() -> RegistrySerdeConfig.from(Map.of("auto.register.schemas", "yes")))
                .isInstanceOf(ConfigException.class);
    }
}
