package io.clipstream.cli;

/** Reads values out of a Prometheus text-format page (what the service's {@code /metrics} serves). */
public final class PrometheusText {
    private PrometheusText() {}

    /** The sum of every series of {@code metric} (any labels); 0 when there is none. */
    public static double sum(String page, String metric) {
        double total = 0;
        for (String line : page.split("\n")) {
            if (line.startsWith("#") || !line.startsWith(metric)) {
                continue;
            }
            int end = metric.length();
            if (line.length() <= end || (line.charAt(end) != ' ' && line.charAt(end) != '{')) {
                continue; // a longer name that starts with this one
            }
            int labelsEnd = line.charAt(end) == '{' ? line.indexOf('}', end) : end;
            String[] rest = line.substring(labelsEnd + 1).trim().split("\\s+");
            total += Double.parseDouble(rest[0]);
        }
        return total;
    }
}
