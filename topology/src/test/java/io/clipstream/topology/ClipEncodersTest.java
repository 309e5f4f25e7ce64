package io.clipstream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.model.ClipModel;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClipEncodersTest {

    @Test
    void passesEveryCallToTheModel() throws Exception {
        ClipModel model = TinyClip.model();
        ClipEncoders encoders = new ClipEncoders(model);
        assertThat(encoders.modelId()).isEqualTo(model.id());
        float[][] texts = encoders.encodeTexts(List.of("a cat", "a dog"));
        assertThat(texts).hasNumberOfRows(2);
        assertThat(texts[1])
                .containsExactly(model.encodeTexts(List.of("a dog"))[0], org.assertj.core.api.Assertions.within(1e-5f));
        byte[] png = TinyClip.png(9, 30, 30);
        assertThat(encoders.encodeImages(List.of(encoders.crop(png)))[0])
                .containsExactly(model.encodeImages(List.of(model.preprocess(png)))[0]);
    }
}
