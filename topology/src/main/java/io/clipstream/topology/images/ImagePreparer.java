package io.clipstream.topology.images;

import io.clipstream.model.image.ImageRejectedException;
import io.clipstream.schemas.ErrorCode;
import io.clipstream.schemas.ImageEvent;
import io.clipstream.schemas.ImageUrl;
import io.clipstream.schemas.InlineImage;
import io.clipstream.schemas.Stage;
import io.clipstream.topology.ImageEncoder;
import io.clipstream.topology.images.fetch.FetchException;
import io.clipstream.topology.images.fetch.ImageFetcher;
import java.nio.ByteBuffer;

/**
 * Turns one image event into its crop: takes the inline bytes (or fetches the URL), enforces the byte limit, then
 * decodes, resizes and crops through the model. Safe to run on several threads at once.
 */
public final class ImagePreparer {
    private final ImageEncoder encoder;
    private final ImageFetcher fetcher;
    private final long maxImageBytes;

    public ImagePreparer(ImageEncoder encoder, ImageFetcher fetcher, long maxImageBytes) {
        this.encoder = encoder;
        this.fetcher = fetcher;
        this.maxImageBytes = maxImageBytes;
    }

    public Preparation prepare(ImageEvent event) {
        byte[] bytes;
        Object image = event.getImage();
        if (image instanceof InlineImage inline) {
            ByteBuffer data = inline.getData();
            if (data.remaining() > maxImageBytes) {
                return new Preparation.Failed(
                        ErrorCode.IMAGE_TOO_LARGE,
                        Stage.DECODE,
                        "image of " + data.remaining() + " bytes is over the limit of " + maxImageBytes);
            }
            bytes = new byte[data.remaining()];
            data.duplicate().get(bytes);
        } else if (image instanceof ImageUrl url) {
            try {
                bytes = fetcher.fetch(url.getUrl());
            } catch (FetchException e) {
                return new Preparation.Failed(e.code(), Stage.FETCH, e.getMessage());
            }
        } else {
            return new Preparation.Failed(ErrorCode.UNREADABLE_RECORD, Stage.DESERIALIZE, "event has no image");
        }
        try {
            return new Preparation.Ready(event, encoder.crop(bytes));
        } catch (ImageRejectedException e) {
            ErrorCode code = switch (e.reason()) {
                case CORRUPT -> ErrorCode.CORRUPT_IMAGE;
                case UNSUPPORTED_FORMAT -> ErrorCode.UNSUPPORTED_IMAGE;
                case TOO_LARGE -> ErrorCode.IMAGE_TOO_LARGE;
            };
            return new Preparation.Failed(code, Stage.DECODE, e.getMessage());
        } catch (RuntimeException e) {
            return new Preparation.Failed(ErrorCode.INTERNAL_ERROR, Stage.PREPROCESS, "preprocessing failed: " + e);
        }
    }
}
