package io.clipstream.model.graph;

import io.clipstream.model.checkpoint.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * A text tower's token-embedding table ([vocab, width] floats) kept in a file instead of memory: a batch reads only
 * its tokens' rows, 3 KB each at RoBERTa's width of 768, so the table's 154 MB cost disk space rather than resident
 * memory while the text tower is in memory. The values are the checkpoint's floats, unchanged, so a lookup gives
 * exactly the rows the graph's gather used to give.
 * <p>
 * The file is written once, to the JVM's temporary directory, and deleted as soon as it is open: the open channel
 * keeps it readable, and nothing is left behind however the process ends; the channel is closed once the table is
 * garbage. Thread-safe (positional reads).
 */
public final class TokenTable {
    private static final Cleaner CLEANER = Cleaner.create();
    private final FileChannel channel;
    private final int rows;
    private final int width;

    private TokenTable(FileChannel channel, int rows, int width) {
        this.channel = channel;
        this.rows = rows;
        this.width = width;
        CLEANER.register(this, () -> {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing to do: the file is already deleted
            }
        });
    }

    /** Writes {@code table} ([rows, width]) to a new temporary file and opens it for lookups. */
    static TokenTable spill(Tensor table) throws IOException {
        if (table.shape().length != 2) {
            throw new IllegalArgumentException("a token table is [vocab, width], got " + table);
        }
        int rows = (int) table.shape()[0];
        int width = (int) table.shape()[1];
        Path file = Files.createTempFile("clipstream-tokens-", ".f32");
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer chunk = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
            float[] data = table.data();
            for (int i = 0; i < data.length; ) {
                int n = Math.min(chunk.capacity() / Float.BYTES, data.length - i);
                chunk.clear();
                chunk.asFloatBuffer().put(data, i, n);
                chunk.limit(n * Float.BYTES);
                while (chunk.hasRemaining()) {
                    out.write(chunk);
                }
                i += n;
            }
        }
        FileChannel in;
        try {
            in = FileChannel.open(file, StandardOpenOption.READ);
        } finally {
            Files.delete(file);
        }
        return new TokenTable(in, rows, width);
    }

    public int rows() {
        return rows;
    }

    public int width() {
        return width;
    }

    /** Rows {@code ids[i]} into {@code out[i · width ..]}; each distinct id is read once. */
    public void lookup(int[] ids, float[] out) {
        if (out.length < (long) ids.length * width) {
            throw new IllegalArgumentException("out holds fewer than " + ids.length + " rows of " + width);
        }
        Map<Integer, Integer> first = new HashMap<>();
        ByteBuffer row = ByteBuffer.allocate(width * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < ids.length; i++) {
            int id = ids[i];
            if (id < 0 || id >= rows) {
                throw new IllegalArgumentException("token id " + id + " outside the table's " + rows + " rows");
            }
            Integer seen = first.putIfAbsent(id, i);
            if (seen != null) {
                System.arraycopy(out, seen * width, out, i * width, width);
                continue;
            }
            row.clear();
            long at = (long) id * width * Float.BYTES;
            try {
                while (row.hasRemaining()) {
                    if (channel.read(row, at + row.position()) < 0) {
                        throw new IOException("token table file ends before row " + id);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("could not read the token table", e);
            }
            row.flip();
            row.asFloatBuffer().get(out, i * width, width);
        }
    }
}
