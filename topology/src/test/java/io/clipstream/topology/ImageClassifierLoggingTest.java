package io.clipstream.topology;

import static io.clipstream.topology.Harness.inline;
import static io.clipstream.topology.Harness.labelSet;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.clipstream.topology.images.ImageClassifier;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Every log line the image step writes about one image carries that image's id (MDC key imageId). */
class ImageClassifierLoggingTest {
    @TempDir
    Path stateDir;

    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(ImageClassifier.class);

    @BeforeEach
    void attach() {
        lines.start();
        logger.addAppender(lines);
        logger.setLevel(Level.DEBUG);
    }

    @AfterEach
    void detach() {
        logger.detachAppender(lines);
        logger.setLevel(null);
    }

    @Test
    void linesAboutAnImageNameIt() {
        TopologySettings settings =
                TopologySettings.defaults().withBatch(2, Duration.ofHours(1)).withOverlapTower(false);
        try (Harness h = new Harness(settings, new TinyClip.Counting(), stateDir)) {
            h.sendLabelSet(labelSet("s", 1, List.of("a photo of a {}."), "a", "b"));
            h.sendImage(inline("good-1", "s", TinyClip.png(1, 40, 40)));
            h.sendImage(inline("broken-2", "s", new byte[] {1, 2, 3}));
        }
        assertThat(lines.list)
                .extracting(e -> e.getMDCPropertyMap().get("imageId"))
                .contains("good-1", "broken-2")
                .doesNotContainNull();
        assertThat(lines.list)
                .filteredOn(e -> e.getLevel() == Level.WARN)
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.getMDCPropertyMap()).containsEntry("imageId", "broken-2");
                    assertThat(e.getFormattedMessage()).contains("CORRUPT_IMAGE");
                });
    }
}
