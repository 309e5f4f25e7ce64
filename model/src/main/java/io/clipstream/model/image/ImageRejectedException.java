package io.clipstream.model.image;

/**
 * An image the service will not process, with a reason the topology maps to a dead-letter code.
 *
 * <p>Thrown for untrusted bytes only: bugs still surface as ordinary runtime exceptions.
 */
public final class ImageRejectedException extends Exception {

    /** Why an image was refused. */
    public enum Reason {
        /** Not decodable: empty, truncated, damaged. */
        CORRUPT,
        /** A format (or a variant of one) the decoder does not accept. */
        UNSUPPORTED_FORMAT,
        /** Over the byte or pixel limit. */
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
