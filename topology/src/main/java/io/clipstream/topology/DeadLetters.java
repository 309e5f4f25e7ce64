package io.clipstream.topology;

import io.clipstream.schemas.DeadLetter;
import io.clipstream.schemas.ErrorCode;
import io.clipstream.schemas.Stage;

import java.nio.ByteBuffer;

/** Builds the {@link DeadLetter} for an input that cannot be processed, always with the input's original bytes. */
public final class DeadLetters {
    private static final int MAX_MESSAGE_CHARS = 2_000;

    private DeadLetters() {
    }

    public static DeadLetter of(InputRecord input, ErrorCode code, Stage stage, String message, long nowMs) {
        String text = message == null ? "" : message;
        return DeadLetter.newBuilder()
                .setTopic(input.topic())
                .setPartition(input.partition())
                .setOffset(input.offset())
                .setKey(input.key() == null ? null : ByteBuffer.wrap(input.key()))
                .setCode(code)
                .setStage(stage)
                .setMessage(text.length() > MAX_MESSAGE_CHARS ? text.substring(0, MAX_MESSAGE_CHARS) : text)
                .setOriginal(input.value() == null ? null : ByteBuffer.wrap(input.value()))
                .setTime(java.time.Instant.ofEpochMilli(nowMs))
                .build();
    }
}
