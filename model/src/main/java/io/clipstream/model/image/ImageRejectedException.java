package io.clipstream.model.image;

/**
 * An image the service will not process, with a reason the topology maps to a dead-letter code.
 *
 * <p>Thrown for untrusted bytes only: bugs still surface as ordinary runtime exceptions.
 */
public final class ImageRejectedException extends Exception {

    /** Why an image was refused. */
    public enum Reason {
        /**
         * The bytes do not decode: empty, truncated, damaged, or in no image format at all (random bytes, text, a
         * PDF), whatever content type came with them. Dead-letter code CORRUPT_IMAGE.
         */
        CORRUPT,
        /**
         * A recognised image format the decoder does not handle (TIFF, HEIC/AVIF, JPEG 2000, JPEG XL, PSD, SVG), or an
         * accepted format in a colour model it does not handle. Dead-letter code UNSUPPORTED_IMAGE.
         */
        UNSUPPORTED_FORMAT,
        /** Over the byte or pixel limit. Dead-letter code IMAGE_TOO_LARGE. */
        TOO_LARGE
    }

    private final Reason reason;

    public ImageRejectedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public ImageRejectedException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
