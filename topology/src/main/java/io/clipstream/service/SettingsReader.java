package io.clipstream.service;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads typed values out of raw string settings and collects a problem per wrong value instead of stopping at the
 * first, naming where the value came from (the file or an environment variable).
 */
final class SettingsReader {
    private final Map<String, String> values;
    private final Map<String, String> origins;
    private final List<String> problems = new ArrayList<>();

    SettingsReader(Map<String, String> values, Map<String, String> origins) {
        this.values = values;
        this.origins = origins;
    }

    List<String> problems() {
        return problems;
    }

    void problem(String key, String what) {
        problems.add(key + ": " + what + origin(key));
    }

    String string(ConfigKey key) {
        String value = values.get(key.name());
        if (value == null) {
            value = key.defaultValue();
        }
        if (value == null || (key.defaultValue() == null && value.isBlank())) {
            problems.add(key.name() + ": required, set it in the file or as " + key.envName());
            return "";
        }
        return value.trim();
    }

    int integer(ConfigKey key, int min, int max) {
        String text = string(key);
        try {
            int value = Integer.parseInt(text);
            if (value < min || value > max) {
                problem(key.name(), "must be between " + min + " and " + max + ", got " + value);
            }
            return value;
        } catch (NumberFormatException e) {
            if (!text.isEmpty()) {
                problem(key.name(), "expected a whole number, got '" + text + "'");
            }
            return min;
        }
    }

    long longValue(ConfigKey key, long min) {
        String text = string(key);
        try {
            long value = Long.parseLong(text);
            if (value < min) {
                problem(key.name(), "must be at least " + min + ", got " + value);
            }
            return value;
        } catch (NumberFormatException e) {
            problem(key.name(), "expected a whole number, got '" + text + "'");
            return min;
        }
    }

    Duration millis(ConfigKey key, long min) {
        return Duration.ofMillis(Math.max(min, longValue(key, min)));
    }

    boolean bool(ConfigKey key) {
        String text = string(key);
        if (text.equalsIgnoreCase("true")) {
            return true;
        }
        if (!text.equalsIgnoreCase("false")) {
            problem(key.name(), "expected true or false, got '" + text + "'");
        }
        return false;
    }

    String oneOf(ConfigKey key, String... allowed) {
        String text = string(key);
        if (!Arrays.asList(allowed).contains(text)) {
            problem(key.name(), "expected one of " + String.join(", ", allowed) + ", got '" + text + "'");
            return allowed[0];
        }
        return text;
    }

    /** A comma-separated list; blanks are dropped. */
    Set<String> list(ConfigKey key) {
        Set<String> items = new LinkedHashSet<>();
        for (String part : string(key).split(",")) {
            if (!part.isBlank()) {
                items.add(part.trim());
            }
        }
        return items;
    }

    /** A topic name as Kafka accepts it: 1–249 characters of [a-zA-Z0-9._-], not "." or "..". */
    String topic(ConfigKey key) {
        String name = string(key);
        if (!name.matches("[a-zA-Z0-9._-]{1,249}") || name.equals(".") || name.equals("..")) {
            problem(key.name(), "not a valid topic name: '" + name + "' (letters, digits, '.', '_', '-'; at most 249)");
        }
        return name;
    }

    Path path(ConfigKey key) {
        String text = string(key);
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            problem(key.name(), "not a valid path: " + e.getMessage());
            return Path.of(".");
        }
    }

    private String origin(String key) {
        String from = origins.get(key);
        if (from != null) {
            return " (from " + from + ")";
        }
        return values.containsKey(key) ? "" : " (default)";
    }
}
