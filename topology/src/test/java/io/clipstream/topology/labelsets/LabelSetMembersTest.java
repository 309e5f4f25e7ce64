package io.clipstream.topology.labelsets;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class LabelSetMembersTest {

    @Test
    void roundTripsThroughItsSerde() {
        LabelSetMembers m = new LabelSetMembers(7, List.of("cat", "ünïcode", "a/b", ""));
        var serde = LabelSetMembers.serde();
        assertThat(serde.deserializer().deserialize("t", serde.serializer().serialize("t", m)))
                .isEqualTo(m);
        assertThat(serde.serializer().serialize("t", null)).isNull();
    }
}
