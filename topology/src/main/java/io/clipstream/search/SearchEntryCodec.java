package io.clipstream.search;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The window store's value: {@code [2][event ms][entered ms][id][label set][n top]{label, similarity, probability}
 * [n attributes]{key, value}[dimension][half-precision components]}, strings as int length + UTF-8, numbers big-endian.
 * Format 1, written before, ends {@code [dimension][int8 values][finer bits][scale]} instead ({@link Int8Vector}); it
 * is still read, its vector widened to half precision. A value this code cannot read (another format, damaged)
 * decodes to null and is dropped from the window.
 */
public final class SearchEntryCodec {
    private static final byte FORMAT = 2;
    private static final byte FORMAT_INT8 = 1;

    private SearchEntryCodec() {}

    public static byte[] encode(SearchEntry e) {
        List<byte[]> strings = new ArrayList<>();
        strings.add(utf8(e.id()));
        strings.add(utf8(e.labelSet()));
        e.top().forEach(t -> strings.add(utf8(t.label())));
        e.attributes().forEach((k, v) -> {
            strings.add(utf8(k));
            strings.add(utf8(v));
        });
        ByteBuffer b = ByteBuffer.allocate(encodedSize(e))
                .put(FORMAT)
                .putLong(e.eventTime())
                .putLong(e.enteredMs());
        int next = 0;
        putString(b, strings.get(next++));
        putString(b, strings.get(next++));
        b.putInt(e.top().size());
        for (TopLabel t : e.top()) {
            putString(b, strings.get(next++));
            b.putFloat(t.similarity()).putFloat(t.probability());
        }
        b.putInt(e.attributes().size());
        for (int i = 0; i < e.attributes().size(); i++) {
            putString(b, strings.get(next++));
            putString(b, strings.get(next++));
        }
        b.putInt(e.vector().dimension());
        b.asShortBuffer().put(e.vector().bits());
        return b.array();
    }

    /** {@code encode(e).length}, counted without encoding: the window's size check runs for every image. */
    public static int encodedSize(SearchEntry e) {
        int size = 1 + 8 + 8 + 4 + 4 + e.top().size() * 8 + 4 + e.vector().dimension() * 2;
        size += 4 + utf8Length(e.id()) + 4 + utf8Length(e.labelSet());
        for (TopLabel t : e.top()) {
            size += 4 + utf8Length(t.label());
        }
        for (Map.Entry<String, String> a : e.attributes().entrySet()) {
            size += 4 + utf8Length(a.getKey()) + 4 + utf8Length(a.getValue());
        }
        return size;
    }

    /** The length of {@code s.getBytes(UTF_8)}: a lone surrogate becomes one byte ('?'), as that replaces it. */
    static int utf8Length(String s) {
        int bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)
                    && i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                bytes += 1;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /** The entry, or null when the bytes are not an entry of this format. */
    public static SearchEntry decode(byte[] bytes) {
        if (bytes == null || bytes.length == 0 || (bytes[0] != FORMAT && bytes[0] != FORMAT_INT8)) {
            return null;
        }
        try {
            ByteBuffer b = ByteBuffer.wrap(bytes, 1, bytes.length - 1);
            long eventTime = b.getLong();
            long entered = b.getLong();
            String id = getString(b);
            String labelSet = getString(b);
            int nTop = count(b, 12);
            List<TopLabel> top = new ArrayList<>(nTop);
            for (int i = 0; i < nTop; i++) {
                top.add(new TopLabel(getString(b), b.getFloat(), b.getFloat()));
            }
            int nAttributes = count(b, 8);
            Map<String, String> attributes = new LinkedHashMap<>();
            for (int i = 0; i < nAttributes; i++) {
                attributes.put(getString(b), getString(b));
            }
            HalfVector vector = bytes[0] == FORMAT ? halves(b) : int8(b);
            return b.hasRemaining() ? null : new SearchEntry(id, eventTime, entered, labelSet, top, attributes, vector);
        } catch (BufferUnderflowException | IllegalArgumentException | NullPointerException e) {
            return null;
        }
    }

    private static HalfVector halves(ByteBuffer b) {
        short[] bits = new short[count(b, 2)];
        b.asShortBuffer().get(bits);
        b.position(b.position() + bits.length * 2);
        return new HalfVector(bits);
    }

    private static HalfVector int8(ByteBuffer b) {
        byte[] values = new byte[count(b, 1)];
        b.get(values);
        byte[] finer = new byte[Int8Vector.finerBytes(values.length)];
        b.get(finer);
        float scale = b.getFloat();
        return HalfVector.of(new Int8Vector(values, scale, finer).toFloats());
    }

    /** A count read from the bytes, refused when the remaining bytes cannot hold that many items. */
    private static int count(ByteBuffer b, int minItemBytes) {
        int n = b.getInt();
        if (n < 0 || (long) n * minItemBytes > b.remaining()) {
            throw new IllegalArgumentException("count " + n + " over the remaining bytes");
        }
        return n;
    }

    private static void putString(ByteBuffer b, byte[] s) {
        b.putInt(s.length).put(s);
    }

    private static String getString(ByteBuffer b) {
        byte[] s = new byte[count(b, 1)];
        b.get(s);
        return new String(s, StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
