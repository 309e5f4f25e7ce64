package io.clipstream.model.checkpoint;

import java.io.IOException;

/**
 * A checkpoint that cannot be used: truncated or malformed file, a pickle that names a forbidden global,
 * a missing or unexpected tensor, a tensor of the wrong shape. The message names the problem and the key.
 */
public class CheckpointException extends IOException {

    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
