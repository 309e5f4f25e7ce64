package io.clipstream.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The human-readable record of a suite run, {@code topology/target/reliability-report.md}: one table row per attack
 * or fault (inputs sent, classifications, dead letters, duplicates, losses, codes seen) and free sections for the
 * soak's samples. Every line is also printed, so the build log tells the same story.
 */
final class ReliabilityReport {
    static final Path FILE = Path.of(System.getProperty("reliability.report", "target/reliability-report.md"));
    private static final String HEADER = "| suite | attack or fault | inputs | classified | dead letters | duplicates "
            + "| lost | codes seen | notes |\n|---|---|---|---|---|---|---|---|---|\n";
    private static boolean started;

    private ReliabilityReport() {}

    /** One outcome row; {@code codes} and {@code notes} are free text (pipes are escaped). */
    static synchronized void row(
            String suite,
            String attack,
            int inputs,
            int classified,
            int deadLetters,
            int duplicates,
            int lost,
            String codes,
            String notes) {
        append(String.format(
                "| %s | %s | %d | %d | %d | %d | %d | %s | %s |%n",
                cell(suite),
                cell(attack),
                inputs,
                classified,
                deadLetters,
                duplicates,
                lost,
                cell(codes),
                cell(notes)));
    }

    /** A titled block of free lines (e.g. the soak's samples), after which rows start a new table. */
    static synchronized void section(String title, List<String> lines) {
        StringBuilder b = new StringBuilder("\n### ").append(title).append("\n\n");
        lines.forEach(l -> b.append(l).append('\n'));
        append(b.append('\n').append(HEADER).toString());
    }

    private static void append(String text) {
        try {
            Files.createDirectories(FILE.toAbsolutePath().getParent());
            if (!started) {
                started = true;
                Files.writeString(
                        FILE, "# clipstream reliability and security report\n\n" + HEADER, StandardCharsets.UTF_8);
            }
            Files.writeString(FILE, text, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.print("[reliability] " + text);
    }

    private static String cell(String s) {
        return s == null ? "" : s.replace("|", "\\|").replace("\n", " ");
    }
}
