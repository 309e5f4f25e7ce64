package io.clipstream.service;

/**
 * The configuration reference table of {@code docs/configuration.md}, generated from {@link ServiceConfig#KEYS} so
 * the document cannot drift from the code (a test compares them).
 */
public final class ConfigReference {
    private ConfigReference() {}

    public static String markdownTable() {
        StringBuilder b = new StringBuilder();
        b.append("| key | environment variable | default | meaning |\n");
        b.append("|---|---|---|---|\n");
        for (ConfigKey key : ServiceConfig.KEYS) {
            String value = key.defaultValue() == null
                    ? "**required**"
                    : key.defaultValue().isEmpty() ? "(empty)" : "`" + key.defaultValue() + "`";
            b.append("| `")
                    .append(key.name())
                    .append("` | `")
                    .append(key.envName())
                    .append("` | ")
                    .append(value)
                    .append(" | ")
                    .append(key.meaning().replace("|", "\\|"))
                    .append(key.secret() ? " Secret: never logged." : "")
                    .append(" |\n");
        }
        return b.toString();
    }

    /** Prints the table, to paste into the document after changing a key. */
    public static void main(String[] args) {
        System.out.print(markdownTable());
    }
}
