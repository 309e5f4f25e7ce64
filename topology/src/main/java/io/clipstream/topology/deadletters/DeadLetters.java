package io.clipstream.topology.deadletters;

import io.clipstream.schemas.DeadLetter;
import io.clipstream.schemas.ErrorCode;
import io.clipstream.schemas.Stage;
import io.clipstream.topology.InputRecord;
import io.clipstream.topology.RecordLimits;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * Builds the {@link DeadLetter} for an input that cannot be processed, with the input's original bytes, its size
 * and SHA-256. A dead letter is never larger than {@code maxRecordBytes}: an original that does not fit is cut to
 * the bytes that do and marked {@code originalTruncated}, and an over-long key is cut the same way.
 */
public final class DeadLetters {
    private static final int MAX_MESSAGE_CHARS = 2_000;
    /** Room for every field but key and original: topic, message (UTF-8, up to 3 bytes a char), hash, numbers. */
    private static final int FIXED_BYTES = 1_024 + 3 * MAX_MESSAGE_CHARS;

    private DeadLetters() {}

    public static DeadLetter of(
            InputRecord input, ErrorCode code, Stage stage, String message, long nowMs, int maxRecordBytes) {
        String text = message == null ? "" : message;
        byte[] key = RecordLimits.cutKey(input.key());
        byte[] value = input.value();
        int headers = input.headerBytes() > RecordLimits.MAX_HEADER_BYTES ? 0 : input.headerBytes();
        int room = Math.max(
                0,
                RecordLimits.room(maxRecordBytes)
                        - FIXED_BYTES
                        - 2 * len(key)
                        - 3 * input.topic().length()
                        - headers);
        boolean truncated = value != null && value.length > room;
        return DeadLetter.newBuilder()
                .setTopic(input.topic())
                .setPartition(input.partition())
                .setOffset(input.offset())
                .setKey(key == null ? null : ByteBuffer.wrap(key))
                .setCode(code)
                .setStage(stage)
                .setMessage(text.length() > MAX_MESSAGE_CHARS ? text.substring(0, MAX_MESSAGE_CHARS) : text)
                .setOriginal(value == null ? null : ByteBuffer.wrap(truncated ? Arrays.copyOf(value, room) : value))
                .setOriginalTruncated(truncated)
                .setOriginalSize(value == null ? -1 : value.length)
                .setOriginalSha256(value == null ? null : ByteBuffer.wrap(sha256(value)))
                .setTime(java.time.Instant.ofEpochMilli(nowMs))
                .build();
    }

    /** The record key a dead letter is written with: the input's, cut like the key field. */
    public static byte[] recordKey(InputRecord input) {
        return RecordLimits.cutKey(input.key());
    }

    public static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static int len(byte[] a) {
        return a == null ? 0 : a.length;
    }
}
