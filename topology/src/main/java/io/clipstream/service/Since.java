package io.clipstream.service;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A search's {@code since}: how far back from now ({@code 500ms}, {@code 90s}, {@code 15m}, {@code 2h}, {@code 7d}, or
 * ISO-8601 {@code PT1H30M}, {@code P2D}) or from when (ISO-8601 {@code 2026-12-03T08:00:00Z}, or with an offset).
 */
final class Since {
    private static final Pattern SHORT = Pattern.compile("(\\d{1,12})(ms|s|m|h|d)");

    private Since() {}

    static Instant parse(String text, Instant now) {
        Matcher m = SHORT.matcher(text);
        try {
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                Duration back = switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
                return now.minus(back);
            }
            if (text.startsWith("P") || text.startsWith("p")) {
                Duration back = Duration.parse(text);
                if (back.isNegative()) {
                    throw new IllegalArgumentException("a duration back from now cannot be negative: " + text);
                }
                return now.minus(back);
            }
            return java.time.OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeException | ArithmeticException e) {
            throw new IllegalArgumentException("expected a duration (90s, 15m, 2h, 7d, PT1H) or an ISO-8601 time "
                    + "(2026-12-03T08:00:00Z), got '" + (text.length() > 64 ? text.substring(0, 64) + "…" : text)
                    + "'");
        }
    }
}
