package io.clipstream.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clipstream.schemas.ImageEvent;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class SubjectNameStrategyTest {

    @Test
    void namesSubjectsLikeConfluent() {
        var schema = ImageEvent.getClassSchema();
        assertThat(SubjectNameStrategy.TOPIC_NAME.subject("images", false, schema))
                .isEqualTo("images-value");
        assertThat(SubjectNameStrategy.TOPIC_NAME.subject("images", true, schema))
                .isEqualTo("images-key");
        assertThat(SubjectNameStrategy.RECORD_NAME.subject("images", false, schema))
                .isEqualTo("io.clipstream.schemas.ImageEvent");
        assertThat(SubjectNameStrategy.TOPIC_RECORD_NAME.subject("images", false, schema))
                .isEqualTo("images-io.clipstream.schemas.ImageEvent");
    }

    @Test
    void parsesConfluentClassNamesSimpleNamesAndDefault() {
        assertThat(SubjectNameStrategy.parse("k", null)).isEqualTo(SubjectNameStrategy.TOPIC_NAME);
        assertThat(SubjectNameStrategy.parse("k", "io.confluent.kafka.serializers.subject.RecordNameStrategy"))
                .isEqualTo(SubjectNameStrategy.RECORD_NAME);
        assertThat(SubjectNameStrategy.parse("k", "TopicRecordNameStrategy"))
                .isEqualTo(SubjectNameStrategy.TOPIC_RECORD_NAME);
        assertThatThrownBy(() -> SubjectNameStrategy.parse("k", "com.acme.MyStrategy"))
                .isInstanceOf(ConfigException.class);
    }
}
