package io.clipstream.model.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class HubEndpointTest {
    @Test
    void buildsResolveUrlsAsHfHubUrlDoes() {
        HubEndpoint hub = HubEndpoint.of("https://huggingface.co/");

        assertThat(hub.fileUrl(
                        "laion/CLIP-ViT-B-32-roberta-base-laion2B-s12B-b32k", "main", "open_clip_pytorch_model.bin"))
                .hasToString("https://huggingface.co/laion/CLIP-ViT-B-32-roberta-base-laion2B-s12B-b32k/resolve/main/"
                        + "open_clip_pytorch_model.bin");
        assertThat(hub.fileUrl("FacebookAI/roberta-base", "refs/pr/1", "config.json"))
                .hasToString("https://huggingface.co/FacebookAI/roberta-base/resolve/refs%2Fpr%2F1/config.json");
    }

    @Test
    void hfEndpointOverridesTheDefault() {
        assertThat(HubEndpoint.fromEnvironment(Map.of()).base()).hasToString("https://huggingface.co");
        assertThat(HubEndpoint.fromEnvironment(Map.of("HF_ENDPOINT", "https://hf-mirror.example/hub/"))
                        .base())
                .hasToString("https://hf-mirror.example/hub");
    }

    @Test
    void rejectsWhatIsNoHttpEndpointOrRevision() {
        assertThatThrownBy(() -> HubEndpoint.of("file:///etc")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HubEndpoint.of("https://user:pw@host")).isInstanceOf(IllegalArgumentException.class);
        HubEndpoint hub = HubEndpoint.of("http://127.0.0.1:1");
        assertThatThrownBy(() -> hub.fileUrl("a/b", "../x", "c")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> hub.fileUrl("a/b", "main?x", "c")).isInstanceOf(IllegalArgumentException.class);
    }
}
