package io.clipstream.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.schemas.ImageEvent;
import io.clipstream.schemas.InlineImage;
import io.clipstream.schemas.LabelSet;
import io.clipstream.topology.labelsets.LabelSetRules;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class DemoDataTest {
    @Test
    void theLabelSetIsValidAndUsesEachLabelAsItsPrompt() {
        LabelSet set = DemoData.labelSet();
        assertThat(new LabelSetRules(100, 1000).problem(DemoData.LABEL_SET, set))
                .isEmpty();
        assertThat(set.getLabels()).extracting(l -> l.getName()).containsExactlyElementsOf(DemoData.LABELS);
        assertThat(LabelSetRules.prompts(set, set.getLabels().get(0))).containsExactly("a diagram");
    }

    @Test
    void theShapesAreDrawnInTheirColourOnWhite() throws Exception {
        Map<String, byte[]> images = DemoData.images();
        assertThat(images).containsKeys("clip-diagram", "red-circle", "blue-square", "green-triangle");
        BufferedImage red = read(images.get("red-circle"));
        assertThat(new Color(red.getRGB(128, 128))).isEqualTo(Color.RED);
        assertThat(new Color(red.getRGB(4, 4))).isEqualTo(Color.WHITE);
        assertThat(new Color(red.getRGB(52, 52)))
                .as("outside the circle, inside its box")
                .isEqualTo(Color.WHITE);
        assertThat(new Color(read(images.get("blue-square")).getRGB(60, 60))).isEqualTo(Color.BLUE);
        BufferedImage triangle = read(images.get("green-triangle"));
        assertThat(new Color(triangle.getRGB(128, 150))).isEqualTo(new Color(0, 160, 0));
        assertThat(new Color(triangle.getRGB(50, 60))).isEqualTo(Color.WHITE);
    }

    @Test
    void theClipDiagramIsOpenClipsTestImage() throws Exception {
        assertThat(DemoData.images().get("clip-diagram"))
                .isEqualTo(Files.readAllBytes(Path.of("src/main/resources/demo/CLIP.png")));
        assertThat(read(DemoData.images().get("clip-diagram")).getWidth()).isEqualTo(2162);
    }

    @Test
    void eventsCarryTheImageInlineForTheDemoLabelSet() {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        ImageEvent e = DemoData.event("x", new byte[] {1, 2, 3}, t);
        assertThat(e.getLabelSet()).isEqualTo(DemoData.LABEL_SET);
        assertThat(e.getEventTime()).isEqualTo(t);
        assertThat(((InlineImage) e.getImage()).getData().remaining()).isEqualTo(3);
    }

    private static BufferedImage read(byte[] png) throws Exception {
        return ImageIO.read(new ByteArrayInputStream(png));
    }
}
