package io.clipstream.search;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The window store's value: {@code [1][event ms][entered ms][id][label set][n top]{label, similarity, probability}
 * [n attributes]{key, value}[dimension][int8 values][finer bits][scale]}, strings as int length + UTF-8. A value this code
 * cannot read (another format, damaged) decodes to null and is dropped from the window.
 */
public final class SearchEntryCodec {
    private static final byte FORMAT = 1;

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
        int size = 1
                + 8
                + 8
                + 4
                + 4
                + e.top().size() * 8
                + 4
                + e.vector().dimension()
                + e.vector().finer().length
                + 4;
        for (byte[] s : strings) {
            size += 4 + s.length;
        }
        ByteBuffer b =
                ByteBuffer.allocate(size).put(FORMAT).putLong(e.eventTime()).putLong(e.enteredMs());
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
        b.putInt(e.vector().dimension())
                .put(e.vector().values())
                .put(e.vector().finer())
                .putFloat(e.vector().scale());
        return b.array();
    }

    /** The entry, or null when the bytes are not an entry of this format. */
    public static SearchEntry decode(byte[] bytes) {
        if (bytes == null || bytes.length == 0 || bytes[0] != FORMAT) {
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
            byte[] values = new byte[count(b, 1)];
            b.get(values);
            byte[] finer = new byte[Int8Vector.finerBytes(values.length)];
            b.get(finer);
            float scale = b.getFloat();
            return b.hasRemaining()
                    ? null
                    : new SearchEntry(
                            id, eventTime, entered, labelSet, top, attributes, new Int8Vector(values, scale, finer));
        } catch (BufferUnderflowException | IllegalArgumentException | NullPointerException e) {
            return null;
        }
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
