package io.clipstream.model.download;

import java.io.IOException;

/** A download that cannot complete, with a message meant for the person who ran {@code clipstream download}. */
public final class DownloadException extends IOException {
    public DownloadException(String message) {
        super(message);
    }

    public DownloadException(String message, Throwable cause) {
        super(message, cause);
    }
}
