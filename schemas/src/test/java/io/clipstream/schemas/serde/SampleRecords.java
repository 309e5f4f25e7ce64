package io.clipstream.schemas.serde;

import io.clipstream.schemas.Classification;
import io.clipstream.schemas.DeadLetter;
import io.clipstream.schemas.ErrorCode;
import io.clipstream.schemas.ImageEmbedding;
import io.clipstream.schemas.ImageEvent;
import io.clipstream.schemas.ImageUrl;
import io.clipstream.schemas.InlineImage;
import io.clipstream.schemas.Label;
import io.clipstream.schemas.LabelEmbedding;
import io.clipstream.schemas.LabelScore;
import io.clipstream.schemas.LabelSet;
import io.clipstream.schemas.Stage;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One filled-in record of each type, for round trips. */
final class SampleRecords {

    static final Instant T = Instant.ofEpochMilli(1_764_250_000_123L);

    private SampleRecords() {}

    static ImageEvent inlineImage() {
        return ImageEvent.newBuilder()
                .setId("img-1")
                .setEventTime(T)
                .setImage(new InlineImage(ByteBuffer.wrap(new byte[] {(byte) 0x89, 'P', 'N', 'G'})))
                .setContentType("image/png")
                .setLabelSet("animals")
                .setAttributes(Map.of("camera", "north-gate"))
                .build();
    }

    static ImageEvent urlImage() {
        return ImageEvent.newBuilder()
                .setId("img-2")
                .setEventTime(T)
                .setImage(new ImageUrl("https://images.example/cat.jpg"))
                .build();
    }

    static LabelSet labelSet() {
        return LabelSet.newBuilder()
                .setId("animals")
                .setVersion(3)
                .setLabels(List.of(
                        Label.newBuilder().setName("cat").build(),
                        Label.newBuilder()
                                .setName("dog")
                                .setPrompts(List.of("a photo of a dog.", "a dog"))
                                .setThreshold(0.25f)
                                .build()))
                .setDescription("pets")
                .build();
    }

    static LabelEmbedding labelEmbedding(int dims) {
        List<Float> embedding = new ArrayList<>(dims);
        for (int i = 0; i < dims; i++) {
            embedding.add((float) Math.sin(i) / 16f);
        }
        return LabelEmbedding.newBuilder()
                .setLabelSetId("animals")
                .setLabelSetVersion(3)
                .setLabel("dog")
                .setIndex(1)
                .setLabelCount(2)
                .setThreshold(0.25f)
                .setModelId("roberta-ViT-B-32/laion2b_s12b_b32k")
                .setEmbedding(embedding)
                .build();
    }

    static Classification classification() {
        LabelScore dog = new LabelScore("dog", 0.31f, 0.93f);
        return Classification.newBuilder()
                .setImageId("img-1")
                .setLabelSet("animals")
                .setLabelSetVersion(3)
                .setModelId("roberta-ViT-B-32/laion2b_s12b_b32k")
                .setTop(List.of(dog, new LabelScore("cat", 0.22f, 0.07f)))
                .setFlagged(List.of(dog))
                .setEventTime(T)
                .setProcessingTime(T.plusMillis(40))
                .setAttributes(Map.of("camera", "north-gate"))
                .build();
    }

    static ImageEmbedding imageEmbedding() {
        return ImageEmbedding.newBuilder()
                .setImageId("img-1")
                .setModelId("m")
                .setEmbedding(List.of(0.6f, 0.8f))
                .setEventTime(T)
                .build();
    }

    static DeadLetter deadLetter() {
        return DeadLetter.newBuilder()
                .setTopic("images")
                .setPartition(2)
                .setOffset(41)
                .setKey(ByteBuffer.wrap("img-9".getBytes()))
                .setCode(ErrorCode.CORRUPT_IMAGE)
                .setMessage("not a JPEG: missing SOI marker")
                .setStage(Stage.DECODE)
                .setOriginal(ByteBuffer.wrap(new byte[] {0, 0, 0, 0, 1, 2}))
                .setTime(T)
                .build();
    }
}
