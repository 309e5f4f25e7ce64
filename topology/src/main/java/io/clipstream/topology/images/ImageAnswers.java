package io.clipstream.topology.images;

import io.clipstream.model.zeroshot.ZeroShotClassifier;
import io.clipstream.schemas.Classification;
import io.clipstream.schemas.ErrorCode;
import io.clipstream.schemas.ImageEmbedding;
import io.clipstream.schemas.ImageEvent;
import io.clipstream.schemas.Stage;
import io.clipstream.topology.InputRecord;
import io.clipstream.topology.Outcome;
import io.clipstream.topology.RecordLimits;
import io.clipstream.topology.TopologySettings;
import io.clipstream.topology.catalog.LabelMatrix;
import io.clipstream.topology.deadletters.DeadLetters;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns one image's result into its output: a classification (and embedding) scored against its label matrix, or
 * a dead letter. An output that would not fit in a record ({@link RecordLimits}) becomes a RECORD_TOO_LARGE dead
 * letter instead, so no single input can make a write fail.
 */
final class ImageAnswers {
    private final String modelId;
    private final TopologySettings settings;

    ImageAnswers(String modelId, TopologySettings settings) {
        this.modelId = modelId;
        this.settings = settings;
    }

    Outcome<ClassifiedImage> classified(
            InputRecord input, ImageEvent event, LabelMatrix matrix, float[] embedding, long now) {
        Classification classification =
                Classifications.of(event, matrix, embedding, matrix.topK(settings.defaultTopK()), now);
        // the searchable window keeps the unit embedding too, whether or not it is written to its topic
        ImageEmbedding unit =
                settings.emitImageEmbeddings() || settings.search().enabled() ? embedding(event, embedding) : null;
        int keyBytes = (input.key() == null ? 0 : input.key().length) + input.headerBytes();
        if (!RecordLimits.fits(classification, keyBytes, settings.maxRecordBytes())
                || settings.emitImageEmbeddings() && !RecordLimits.fits(unit, keyBytes, settings.maxRecordBytes())) {
            return failed(
                    input,
                    ErrorCode.RECORD_TOO_LARGE,
                    Stage.CLASSIFY,
                    "the classification of this image ("
                            + RecordLimits.serializedSize(classification)
                            + " bytes with its id, attributes and flagged labels)"
                            + " is larger than the output topics accept (" + settings.maxRecordBytes() + " bytes)",
                    now);
        }
        return Outcome.of(new ClassifiedImage(classification, unit));
    }

    Outcome<ClassifiedImage> failed(InputRecord input, ErrorCode code, Stage stage, String message, long now) {
        return Outcome.failed(DeadLetters.of(input, code, stage, message, now, settings.maxRecordBytes()));
    }

    private ImageEmbedding embedding(ImageEvent event, float[] embedding) {
        List<Float> unit = new ArrayList<>(embedding.length);
        for (float x : ZeroShotClassifier.normalize(embedding)) {
            unit.add(x);
        }
        return ImageEmbedding.newBuilder()
                .setImageId(event.getId())
                .setModelId(modelId)
                .setEmbedding(unit)
                .setEventTime(event.getEventTime())
                .build();
    }
}
