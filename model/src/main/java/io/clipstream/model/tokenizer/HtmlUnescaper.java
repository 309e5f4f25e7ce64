package io.clipstream.model.tokenizer;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTML character references decoded exactly as Python's {@code html.unescape} does (HTML5 rules:
 * entities without ';', longest-prefix names, invalid numeric references), and as ftfy's narrower
 * {@code unescape_html} step does. open_clip cleans every prompt with both, and Java has neither.
 */
final class HtmlUnescaper {

    private static final Pattern PYTHON_CHARREF =
            Pattern.compile("&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\\t\\n\\f <&#;]{1,32};?)");
    private static final Pattern FTFY_ENTITY = Pattern.compile("&#?[0-9A-Za-z]{1,24};");

    private HtmlUnescaper() {}

    /** Python's {@code html.unescape(text)}. */
    static String unescape(String text) {
        if (text.indexOf('&') < 0) {
            return text;
        }
        return PYTHON_CHARREF.matcher(text).replaceAll(m -> Matcher.quoteReplacement(replace(m.group(1))));
    }

    /** ftfy 6's {@code unescape_html}: only complete references that end in ';'. */
    static String ftfyUnescape(String text) {
        if (text.indexOf('&') < 0) {
            return text;
        }
        var tables = CleanerTables.INSTANCE;
        return FTFY_ENTITY.matcher(text).replaceAll(m -> {
            String ref = m.group();
            String known = tables.ftfyEntities().get(ref);
            if (known != null) {
                return Matcher.quoteReplacement(known);
            }
            if (ref.startsWith("&#")) {
                String decoded = unescape(ref);
                return Matcher.quoteReplacement(decoded.contains(";") ? ref : decoded);
            }
            return Matcher.quoteReplacement(ref);
        });
    }

    private static String replace(String s) {
        var tables = CleanerTables.INSTANCE;
        if (s.charAt(0) == '#') {
            boolean hex = s.length() > 1 && (s.charAt(1) == 'x' || s.charAt(1) == 'X');
            String digits = s.substring(hex ? 2 : 1);
            if (digits.endsWith(";")) {
                digits = digits.substring(0, digits.length() - 1);
            }
            long num = parseBounded(digits, hex ? 16 : 10);
            String replacement = tables.invalidCharrefs().get((int) Math.min(num, Integer.MAX_VALUE));
            if (replacement != null) {
                return replacement;
            }
            if ((num >= 0xD800 && num <= 0xDFFF) || num > 0x10FFFF) {
                return "\uFFFD";
            }
            if (tables.invalidCodepoints().contains((int) num)) {
                return "";
            }
            return new String(Character.toChars((int) num));
        }
        String known = tables.html5().get(s);
        if (known != null) {
            return known;
        }
        // the longest known prefix of at least two characters, as the HTML5 standard says
        int[] cps = s.codePoints().toArray();
        for (int x = cps.length - 1; x > 1; x--) {
            String prefix = new String(cps, 0, x);
            String value = tables.html5().get(prefix);
            if (value != null) {
                return value + new String(cps, x, cps.length - x);
            }
        }
        return "&" + s;
    }

    /** The number, or Long.MAX_VALUE when it has too many digits to matter (it is then invalid anyway). */
    private static long parseBounded(String digits, int radix) {
        int start = 0;
        while (start < digits.length() - 1 && digits.charAt(start) == '0') {
            start++;
        }
        String significant = digits.substring(start);
        return significant.length() > 9 ? Long.MAX_VALUE : Long.parseLong(significant, radix);
    }
}
