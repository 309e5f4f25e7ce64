package io.clipstream.model.tokenizer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The character tables of Python's {@code html.unescape} and of ftfy 6.x, read from
 * {@code text-cleaner-tables.tsv} (written by {@code make_text_cleaner_tables.py} from Python itself,
 * because these are data that Java does not have: the 2231 HTML5 entity names, ftfy's width map, ...).
 */
record CleanerTables(
        Map<String, String> html5, // entity name (with or without ';') -> text
        Map<Integer, String> invalidCharrefs, // code point -> replacement, checked first
        Set<Integer> invalidCodepoints, // code points that unescape to nothing
        Map<String, String> ftfyEntities, // "&name;" -> text, ftfy's own unescape table
        Map<Integer, String> ligatures,
        Map<Integer, String> widths,
        Map<Integer, String> c1Controls, // U+0080..U+009F -> sloppy windows-1252
        Set<Integer> controls) { // removed by ftfy's remove_control_chars

    static final CleanerTables INSTANCE = load();

    private static CleanerTables load() {
        var t = new CleanerTables(
                new HashMap<>(),
                new HashMap<>(),
                new HashSet<>(),
                new HashMap<>(),
                new HashMap<>(),
                new HashMap<>(),
                new HashMap<>(),
                new HashSet<>());
        try (InputStream in = CleanerTables.class.getResourceAsStream("text-cleaner-tables.tsv")) {
            if (in == null) {
                throw new IllegalStateException("resource text-cleaner-tables.tsv is missing");
            }
            var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            for (String line; (line = reader.readLine()) != null; ) {
                if (line.startsWith("#") || line.isEmpty()) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                String value = codePoints(f[2]);
                switch (f[0]) {
                    case "html5" -> t.html5.put(f[1], value);
                    case "invalid_charref" -> t.invalidCharrefs.put(hex(f[1]), value);
                    case "invalid_codepoint" -> t.invalidCodepoints.add(hex(f[1]));
                    case "ftfy_entity" -> t.ftfyEntities.put(f[1], value);
                    case "ligature" -> t.ligatures.put(hex(f[1]), value);
                    case "width" -> t.widths.put(hex(f[1]), value);
                    case "c1" -> t.c1Controls.put(hex(f[1]), value);
                    case "control" -> t.controls.add(hex(f[1]));
                    default -> throw new IllegalStateException("unknown table " + f[0]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new CleanerTables(
                Map.copyOf(t.html5),
                Map.copyOf(t.invalidCharrefs),
                Set.copyOf(t.invalidCodepoints),
                Map.copyOf(t.ftfyEntities),
                Map.copyOf(t.ligatures),
                Map.copyOf(t.widths),
                Map.copyOf(t.c1Controls),
                Set.copyOf(t.controls));
    }

    private static int hex(String s) {
        return Integer.parseInt(s, 16);
    }

    private static String codePoints(String hexList) {
        var sb = new StringBuilder();
        for (String cp : hexList.split(" ")) {
            if (!cp.isEmpty()) {
                sb.appendCodePoint(hex(cp));
            }
        }
        return sb.toString();
    }

    /** Applies a code point -> text map, like Python's {@code str.translate}. */
    static String translate(String text, Map<Integer, String> map, Set<Integer> deleted) {
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int n = Character.charCount(cp);
            String to = map.get(cp);
            boolean drop = deleted.contains(cp);
            if ((to != null || drop) && sb == null) {
                sb = new StringBuilder(text.length()).append(text, 0, i);
            }
            if (sb != null) {
                if (to != null) {
                    sb.append(to);
                } else if (!drop) {
                    sb.appendCodePoint(cp);
                }
            }
            i += n;
        }
        return sb == null ? text : sb.toString();
    }
}
