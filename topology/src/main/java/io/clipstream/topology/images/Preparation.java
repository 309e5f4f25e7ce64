package io.clipstream.topology.images;

import io.clipstream.model.image.RgbCrop;
import io.clipstream.schemas.ErrorCode;
import io.clipstream.schemas.ImageEvent;
import io.clipstream.schemas.Stage;

/** What getting one image event ready for the image tower gave: its pixels, or a failure to dead-letter. */
public sealed interface Preparation {

    /** The event and its image, decoded, resized and cropped. */
    record Ready(ImageEvent event, RgbCrop crop) implements Preparation {}

    /** Why the event cannot be classified, as a dead-letter code and the stage that failed. */
    record Failed(ErrorCode code, Stage stage, String message) implements Preparation {}
}
