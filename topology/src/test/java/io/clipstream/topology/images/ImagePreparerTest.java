package io.clipstream.topology.images;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.schemas.ErrorCode;
import io.clipstream.schemas.ImageEvent;
import io.clipstream.schemas.Stage;
import io.clipstream.topology.ClipEncoders;
import io.clipstream.topology.Harness;
import io.clipstream.topology.TinyClip;
import io.clipstream.topology.TopologySettings.FetchSettings;
import io.clipstream.topology.images.fetch.ImageFetcher;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Preparation with the real tiny model's preprocessing. */
class ImagePreparerTest {
    private final ImagePreparer preparer = new ImagePreparer(
            new ClipEncoders(TinyClip.model()), new ImageFetcher(FetchSettings.disabled(), 10_000), 10_000);

    @Test
    void inlineBytesBecomeTheModelsCrop() throws Exception {
        byte[] png = TinyClip.png(1, 50, 40);
        Preparation p = preparer.prepare(Harness.inline("i", "s", png));
        assertThat(p).isInstanceOf(Preparation.Ready.class);
        assertThat(((Preparation.Ready) p).crop().pixels())
                .containsExactly(TinyClip.model().crop(png).pixels());
    }

    @Test
    void mapsEveryRejectionToItsDeadLetterCode() {
        byte[] png = TinyClip.png(1, 50, 40);
        assertFailed(
                preparer.prepare(Harness.inline("i", "s", Arrays.copyOf(png, 30))),
                ErrorCode.CORRUPT_IMAGE,
                Stage.DECODE);
        assertFailed(
                preparer.prepare(Harness.inline("i", "s", "plain text, not an image".getBytes())),
                ErrorCode.CORRUPT_IMAGE,
                Stage.DECODE);
        assertFailed(
                preparer.prepare(Harness.inline("i", "s", new byte[] {'I', 'I', 0x2A, 0, 8, 0, 0, 0})),
                ErrorCode.UNSUPPORTED_IMAGE,
                Stage.DECODE);
        assertFailed(
                preparer.prepare(Harness.inline("i", "s", TinyClip.pngHeader(100_000, 100_000))),
                ErrorCode.IMAGE_TOO_LARGE,
                Stage.DECODE);
        assertFailed(
                preparer.prepare(Harness.inline("i", "s", new byte[10_001])), ErrorCode.IMAGE_TOO_LARGE, Stage.DECODE);
        assertFailed(
                preparer.prepare(Harness.url("i", "s", "https://example.com/a.png")),
                ErrorCode.FETCH_REFUSED,
                Stage.FETCH);
    }

    @Test
    void randomBytesAreCorruptWhateverTheContentTypeClaims() {
        byte[] junk = new byte[1024];
        new Random(6).nextBytes(junk);
        for (String contentType : new String[] {null, "image/jpeg", "image/png", "application/octet-stream"}) {
            ImageEvent event = Harness.inline("i", "s", junk);
            event.setContentType(contentType);
            assertFailed(preparer.prepare(event), ErrorCode.CORRUPT_IMAGE, Stage.DECODE);
        }
    }

    @Test
    void truncatedImagesAreCorruptAndRecognisedUndecodedFormatsUnsupported() {
        byte[] png = TinyClip.png(1, 50, 40);
        for (int length : new int[] {4, 8, 30, png.length / 2}) {
            assertFailed(
                    preparer.prepare(Harness.inline("i", "s", Arrays.copyOf(png, length))),
                    ErrorCode.CORRUPT_IMAGE,
                    Stage.DECODE);
        }
        byte[] heic = {0, 0, 0, 24, 'f', 't', 'y', 'p', 'h', 'e', 'i', 'c', 0, 0, 0, 0};
        ImageEvent event = Harness.inline("i", "s", heic);
        event.setContentType("image/jpeg");
        assertFailed(preparer.prepare(event), ErrorCode.UNSUPPORTED_IMAGE, Stage.DECODE);
    }

    private static void assertFailed(Preparation p, ErrorCode code, Stage stage) {
        assertThat(p).isInstanceOf(Preparation.Failed.class);
        Preparation.Failed f = (Preparation.Failed) p;
        assertThat(f.code()).as(f.message()).isEqualTo(code);
        assertThat(f.stage()).isEqualTo(stage);
        assertThat(f.message()).isNotBlank();
    }
}
