package io.clipstream.schemas;

import java.net.URI;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one rule for what is secret, used wherever settings, URLs or error messages may reach a log line, a metric, a
 * health answer, a dead letter or the terminal. Secrets are shown as {@value #HIDDEN}.
 *
 * <ul>
 *   <li>Settings whose key names a credential ({@link #isSecretKey}): passwords (Kafka and registry key and trust
 *       store passwords included), {@code sasl.jaas.config}, {@code basic.auth.user.info}, {@code bearer.auth.token},
 *       and anything with {@code token}, {@code secret}, {@code credentials} or {@code private} in its key: the whole
 *       value is hidden.</li>
 *   <li>Any other text ({@link #text}): the user info of every URL ({@code http://user:pw@host} becomes
 *       {@code http://[hidden]@host}), URL query parameters that look like credentials ({@code ?token=…},
 *       {@code X-Amz-Signature=…}, {@code sig=…}), {@code password="…"} pairs (a JAAS entry quoted in a message) and
 *       {@code Authorization} header values.</li>
 * </ul>
 * It lives in the lowest module so the registry client, the topology and the service share it.
 */
public final class Redaction {
    /** What a secret is shown as. */
    public static final String HIDDEN = "[hidden]";

    private static final Pattern SECRET_KEY_WORDS = Pattern.compile(
            "password|passwd|jaas|secret|token|user\\.info|userinfo|credentials|private|api\\.key|apikey");
    /** Keys that merely point at or describe a credential (a file, a source, a type): their values are not secret. */
    private static final Pattern NOT_SECRET_KEY_ENDINGS =
            Pattern.compile(".*\\.(source|location|type|algorithm|ms|class|mechanism|protocol)$");

    /** {@code scheme://userinfo@}: the user info of a URL inside any text. */
    private static final Pattern URL_USER_INFO =
            Pattern.compile("\\b([a-zA-Z][a-zA-Z0-9+.\\-]*://)([^/?#@\\s\"'<>]+)(?=@)");
    /** A URL query (or fragment) parameter whose name looks like a credential. */
    private static final Pattern SECRET_QUERY_PARAMETER = Pattern.compile(
            "([?&;#](?:[^=&#\\s\"'<>]*?)(?:token|sig|signature|secret|password|passwd|pwd|key|credential|auth|session)"
                    + "[^=&#\\s\"'<>]*=)([^&#\\s\"'<>]*)",
            Pattern.CASE_INSENSITIVE);
    /**
     * {@code password="…"} and friends, as in a JAAS configuration entry quoted by an error message; also with the
     * quotes escaped ({@code password=\"…\"}), as in a JSON log line.
     */
    private static final Pattern QUOTED_SECRET = Pattern.compile(
            "((?:password|secret|token|clientSecret)\\s*=\\s*)(\\\\?\"[^\"\\\\]*\\\\?\"|'[^']*')",
            Pattern.CASE_INSENSITIVE);
    /** An HTTP Authorization value: {@code Authorization: Bearer abc} or {@code Basic abc}. */
    private static final Pattern AUTHORIZATION = Pattern.compile(
            "((?:Authorization\\s*[:=]\\s*(?:Bearer|Basic)\\s+)|\\bBearer\\s+(?=[A-Za-z0-9._~+/=\\-]{16,}))(\\S+)");

    private Redaction() {}

    /** Whether a setting's value must never be shown, judged by its key (any prefix: {@code kafka.}, {@code schema.registry.}). */
    public static boolean isSecretKey(String key) {
        if (key == null) {
            return false;
        }
        String k = key.toLowerCase(Locale.ROOT);
        if (k.endsWith(".key")) {
            return true; // ssl.keystore.key: a PEM private key
        }
        return SECRET_KEY_WORDS.matcher(k).find()
                && !NOT_SECRET_KEY_ENDINGS.matcher(k).matches();
    }

    /** A setting's value as it may be shown: {@value #HIDDEN} for a secret key, else the value with URL secrets removed. */
    public static String value(String key, Object value) {
        if (value == null) {
            return "";
        }
        String text = value.toString();
        if (isSecretKey(key)) {
            return text.isEmpty() ? "" : HIDDEN;
        }
        return text(text);
    }

    /** {@code uri} without user info and with credential-like query parameters hidden. */
    public static String url(URI uri) {
        return uri == null ? "null" : text(uri.toString());
    }

    /** Free text (a message, a URL, a stack trace) with URL user info, credential query parameters and quoted passwords hidden. */
    public static String text(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = replace(URL_USER_INFO, text);
        out = replace(SECRET_QUERY_PARAMETER, out);
        out = replace(QUOTED_SECRET, out);
        return replace(AUTHORIZATION, out);
    }

    /** Replaces group 2 of every match by {@value #HIDDEN}, keeping group 1. */
    private static String replace(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        if (!m.find()) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        do {
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + HIDDEN));
        } while (m.find());
        m.appendTail(out);
        return out.toString();
    }
}
