package io.clipstream.model.download;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DownloadPolicyTest {
    @Test
    void backoffDoublesFromTheFirstPauseAndIsCapped() {
        DownloadPolicy p = DownloadPolicy.DEFAULT;

        assertThat(p.backoffBefore(2)).isEqualTo(Duration.ofSeconds(1));
        assertThat(p.backoffBefore(3)).isEqualTo(Duration.ofSeconds(2));
        assertThat(p.backoffBefore(4)).isEqualTo(Duration.ofSeconds(4));
        assertThat(p.backoffBefore(60)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void defaultsFailFastWhenOffline() {
        assertThat(DownloadPolicy.DEFAULT.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(DownloadPolicy.DEFAULT.maxAttempts()).isEqualTo(5);
    }
}
