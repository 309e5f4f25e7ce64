package io.clipstream.topology;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LabelSetMembersTest {

    @Test
    void roundTripsThroughItsSerde() {
        LabelSetMembers m = new LabelSetMembers(7, List.of("cat", "ünïcode", "a/b", ""));
        var serde = LabelSetMembers.serde();
        assertThat(serde.deserializer().deserialize("t", serde.serializer().serialize("t", m))).isEqualTo(m);
        assertThat(serde.serializer().serialize("t", null)).isNull();
    }
}
