package io.clipstream.model.tokenizer;

import java.text.Normalizer;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * open_clip's prompt cleaning for {@code HFTokenizer}: {@code whitespace_clean(basic_clean(text))}, that is
 * ftfy's {@code fix_text}, {@code html.unescape} twice, strip, and every whitespace run collapsed to one space.
 * No lower-casing. open_clip applies it by default (v3.x {@code clean="whitespace"}; the Nov-2022 code called
 * it unconditionally), so the real model was trained and evaluated on cleaned prompts.
 *
 * <p>Of ftfy 6.x's {@code fix_text} this does every step except mojibake repair ({@code fix_encoding}):
 * its HTML unescape (only before the first line holding a '<'), C1 controls read as windows-1252, Latin
 * ligatures, full/half-width forms, curly quotes, line breaks, surrogates, ANSI terminal escapes, control
 * characters, NFC, repeated until nothing changes (at most {@value #MAX_PASSES} times). Text that looks like
 * mojibake (e.g. "cafÃ©") is left as it is here, where ftfy would repair it.
 */
public final class TextCleaner {

    private static final Pattern SINGLE_QUOTES = Pattern.compile("[\u02bc\u2018-\u201b]");
    private static final Pattern DOUBLE_QUOTES = Pattern.compile("[\u201c-\u201f]");
    private static final Pattern ANSI_ESCAPE = Pattern.compile("\u001b\\[([\\p{Nd};]*)([a-zA-Z])");
    /** Python's {@code str.isspace()} characters (what {@code str.split()} and {@code strip()} use). */
    private static final String PYTHON_SPACES =
            "\t\n\u000b\u000c\r\u001c\u001d\u001e\u001f \u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
                    + "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000";

    /** ftfy has no cap; beyond it (entities nested more than 64 deep) the outer levels stay escaped. */
    static final int MAX_PASSES = 64;

    private TextCleaner() {}

    /** The cleaned prompt, as open_clip hands it to the roberta-base tokenizer. */
    public static String clean(String text) {
        String fixed = fixText(text);
        String unescaped = HtmlUnescaper.unescape(HtmlUnescaper.unescape(fixed));
        return collapseWhitespace(unescaped);
    }

    /** ftfy 6.x {@code fix_text} with its default settings, less mojibake repair. */
    static String fixText(String text) {
        var out = new StringBuilder(text.length());
        boolean unescapeHtml = true;
        int pos = 0;
        while (pos < text.length()) {
            int end = text.indexOf('\n', pos) + 1;
            if (end == 0) {
                end = text.length();
            }
            String segment = text.substring(pos, end);
            if (segment.indexOf('<') >= 0) {
                unescapeHtml = false; // ftfy's "auto": once a line looks like HTML, it stops unescaping
            }
            out.append(fixSegment(segment, unescapeHtml));
            pos = end;
        }
        return out.toString();
    }

    private static String fixSegment(String text, boolean unescapeHtml) {
        var tables = CleanerTables.INSTANCE;
        // ftfy repeats until nothing changes. Real text settles in two or three passes; only nested
        // entities ("&amp;amp;amp;...") need one pass per level, so the passes are capped to bound the work.
        for (int pass = 0; pass < MAX_PASSES; pass++) {
            String before = text;
            if (unescapeHtml) {
                text = HtmlUnescaper.ftfyUnescape(text);
            }
            text = CleanerTables.translate(text, tables.c1Controls(), Set.of());
            text = CleanerTables.translate(text, tables.ligatures(), Set.of());
            text = CleanerTables.translate(text, tables.widths(), Set.of());
            text = SINGLE_QUOTES
                    .matcher(DOUBLE_QUOTES.matcher(text).replaceAll("\""))
                    .replaceAll("'");
            text = text.replace("\r\n", "\n")
                    .replace('\r', '\n')
                    .replace('\u2028', '\n')
                    .replace('\u2029', '\n')
                    .replace('\u0085', '\n');
            text = replaceLoneSurrogates(text);
            text = ANSI_ESCAPE.matcher(text).replaceAll("");
            text = CleanerTables.translate(text, java.util.Map.of(), tables.controls());
            text = Normalizer.normalize(text, Normalizer.Form.NFC);
            if (text.equals(before)) {
                return text;
            }
        }
        return text;
    }

    private static String replaceLoneSurrogates(String text) {
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean lone = Character.isHighSurrogate(c)
                    ? i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))
                    : Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(text.charAt(i - 1)));
            if (Character.isHighSurrogate(c) && !lone) {
                if (sb != null) {
                    sb.append(c).append(text.charAt(i + 1));
                }
                i++;
                continue;
            }
            if (lone && sb == null) {
                sb = new StringBuilder(text.length()).append(text, 0, i);
            }
            if (sb != null) {
                sb.append(lone ? '\uFFFD' : c);
            }
        }
        return sb == null ? text : sb.toString();
    }

    /** Python's {@code " ".join(text.split())}: strip, and every whitespace run becomes one space. */
    static String collapseWhitespace(String text) {
        var sb = new StringBuilder(text.length());
        boolean pendingSpace = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (PYTHON_SPACES.indexOf(c) >= 0) {
                pendingSpace = sb.length() > 0;
            } else {
                if (pendingSpace) {
                    sb.append(' ');
                    pendingSpace = false;
                }
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
