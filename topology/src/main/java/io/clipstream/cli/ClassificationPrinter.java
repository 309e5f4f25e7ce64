package io.clipstream.cli;

import io.clipstream.schemas.Classification;
import io.clipstream.schemas.DeadLetter;
import io.clipstream.schemas.LabelScore;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Prints classifications and dead letters as they arrive: a readable table (image, best labels with probabilities,
 * latency) or, with {@code json}, one JSON object per line.
 */
final class ClassificationPrinter {
    private final PrintStream out;
    private final JsonLines jsonLines;
    private boolean headerDone;

    ClassificationPrinter(PrintStream out, boolean json) {
        this.out = out;
        this.jsonLines = json ? new JsonLines(out) : null;
    }

    void classification(String imageId, Classification c) {
        long latency = c.getProcessingTime().toEpochMilli() - c.getEventTime().toEpochMilli();
        if (jsonLines != null) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("image", imageId);
            line.put("labelSet", c.getLabelSet());
            line.put("labelSetVersion", c.getLabelSetVersion());
            line.put("model", c.getModelId());
            line.put(
                    "top", c.getTop().stream().map(ClassificationPrinter::score).toList());
            line.put("flagged", c.getFlagged().stream().map(s -> s.getLabel()).toList());
            line.put("latencyMs", latency);
            jsonLines.write(line);
            return;
        }
        header();
        StringBuilder labels = new StringBuilder();
        for (LabelScore s : c.getTop()) {
            labels.append(labels.length() == 0 ? "" : "  ")
                    .append(String.format("%s %.3f", s.getLabel(), s.getProbability()));
        }
        out.printf("%-18s %-10s %8d  %s%n", imageId, c.getLabelSet(), latency, labels);
        out.flush();
    }

    void deadLetter(String key, DeadLetter d) {
        if (jsonLines != null) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("image", key);
            line.put("deadLetter", d.getCode().name());
            line.put("message", d.getMessage());
            jsonLines.write(line);
            return;
        }
        header();
        out.printf("%-18s %-10s %8s  DEAD LETTER %s: %s%n", key, "-", "-", d.getCode(), d.getMessage());
        out.flush();
    }

    private void header() {
        if (!headerDone) {
            out.printf("%-18s %-10s %8s  %s%n", "IMAGE", "LABEL SET", "LATENCY", "TOP LABELS (probability)");
            out.printf("%-18s %-10s %8s  %s%n", "-----", "---------", "(ms)", "------------------------");
            headerDone = true;
        }
    }

    private static Map<String, Object> score(LabelScore s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("label", s.getLabel());
        m.put("probability", s.getProbability());
        m.put("similarity", s.getSimilarity());
        return m;
    }
}
