package io.clipstream.topology.images.fetch;

import io.clipstream.schemas.ErrorCode;

/** Why an image URL gave no image: FETCH_REFUSED (not allowed), FETCH_FAILED (tried and failed) or IMAGE_TOO_LARGE. */
public final class FetchException extends Exception {
    private final ErrorCode code;

    public FetchException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
