package io.clipstream.model.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a safetensors file: an 8-byte little-endian header length, a JSON header
 * ({@code name: {dtype, shape, data_offsets}}), then the raw data. F32, F16 and BF16 tensors are read straight
 * from the file channel into floats; I64 tensors (buffers) are skipped; other dtypes are refused.
 *
 * <p>{@link #index} checks the whole header (dtypes, shapes, offsets against the file's size) but reads each
 * tensor's values only when it is loaded: a model built tensor by tensor never holds the whole checkpoint in the
 * Java heap next to its copy in the graph.
 */
final class SafetensorsReader {
    static final long MAX_HEADER_BYTES = 100L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private SafetensorsReader() {}

    /** Every tensor, read now. */
    static Map<String, Tensor> read(Path file) throws IOException {
        return StoredTensor.readAll(index(file));
    }

    /** Every tensor's shape, checked; its values are read from the file when {@link StoredTensor#values} is called. */
    static Map<String, StoredTensor> index(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            long headerBytes = readHeaderLength(channel, size);
            ByteBuffer header = ByteBuffer.allocate((int) headerBytes);
            readFully(channel, header, 8);
            JsonNode root = parse(header.array());
            long dataStart = 8 + headerBytes;
            long dataBytes = size - dataStart;
            Map<String, StoredTensor> tensors = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                var e = it.next();
                if (e.getKey().equals("__metadata__")) continue;
                StoredTensor t = describe(file, e.getKey(), e.getValue(), dataStart, dataBytes);
                if (t != null) tensors.put(e.getKey(), t);
            }
            return tensors;
        }
    }

    private static long readHeaderLength(FileChannel channel, long size) throws IOException {
        if (size < 8) throw new CheckpointException("truncated safetensors file: " + size + " bytes, no header length");
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, len, 0);
        long headerBytes = len.getLong(0);
        if (headerBytes < 2 || headerBytes > MAX_HEADER_BYTES) {
            throw new CheckpointException(
                    "bad safetensors header length " + headerBytes + " (allowed 2.." + MAX_HEADER_BYTES + ")");
        }
        if (headerBytes > size - 8) {
            throw new CheckpointException("truncated safetensors file: header claims " + headerBytes
                    + " bytes, the file has " + (size - 8) + " after the length");
        }
        return headerBytes;
    }

    private static JsonNode parse(byte[] header) throws CheckpointException {
        try {
            JsonNode root = JSON.readTree(header);
            if (root == null || !root.isObject())
                throw new CheckpointException("bad safetensors header: not a JSON object");
            return root;
        } catch (IOException e) {
            throw new CheckpointException("bad safetensors header: " + e.getMessage(), e);
        }
    }

    private static StoredTensor describe(Path file, String key, JsonNode info, long dataStart, long dataBytes)
            throws IOException {
        String dtype = info.path("dtype").asText();
        JsonNode shapeNode = info.path("shape");
        JsonNode offsets = info.path("data_offsets");
        if (!shapeNode.isArray()
                || !offsets.isArray()
                || offsets.size() != 2
                || !offsets.get(0).canConvertToLong()
                || !offsets.get(1).canConvertToLong()) {
            throw new CheckpointException("bad safetensors header entry for '" + key + "': " + info);
        }
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            if (!shapeNode.get(i).canConvertToLong() || shapeNode.get(i).asLong() < 0) {
                throw new CheckpointException("bad shape for '" + key + "': " + shapeNode);
            }
            shape[i] = shapeNode.get(i).asLong();
        }
        long begin = offsets.get(0).asLong();
        long end = offsets.get(1).asLong();
        if (begin < 0 || end < begin || end > dataBytes) {
            throw new CheckpointException("tensor '" + key + "' data_offsets [" + begin + ", " + end
                    + "] lie outside the " + dataBytes + " data bytes of the file (truncated?)");
        }
        int elementBytes = switch (dtype) {
            case "F32" -> 4;
            case "F16", "BF16" -> 2;
            case "I64" -> 8;
            default -> throw new CheckpointException("unsupported safetensors dtype " + dtype + " for '" + key + "'");
        };
        long numel;
        try {
            numel = Tensor.numel(shape);
            if (Math.multiplyExact(numel, elementBytes) != end - begin) {
                throw new CheckpointException("tensor '" + key + "' of shape " + java.util.Arrays.toString(shape)
                        + " and dtype " + dtype + " needs " + numel * elementBytes + " bytes, data_offsets give "
                        + (end - begin));
            }
        } catch (ArithmeticException e) {
            throw new CheckpointException("tensor '" + key + "' is too large", e);
        }
        if (dtype.equals("I64")) return null;
        if (numel > Integer.MAX_VALUE - 8) throw new CheckpointException("tensor '" + key + "' is too large");
        DType type = DType.valueOf(dtype);
        int count = (int) numel;
        return new StoredTensor(shape, () -> {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                channel.position(dataStart + begin);
                return FloatReader.read(channel, type, count, "tensor '" + key + "'");
            }
        });
    }

    private static void readFully(FileChannel channel, ByteBuffer buf, long position) throws IOException {
        while (buf.hasRemaining()) {
            if (channel.read(buf, position + buf.position()) < 0) {
                throw new CheckpointException("truncated safetensors file");
            }
        }
    }
}
