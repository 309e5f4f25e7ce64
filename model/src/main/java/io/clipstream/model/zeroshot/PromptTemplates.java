package io.clipstream.model.zeroshot;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Prompt templates: {@code {}} stands for the label name. The 80 OpenAI ImageNet templates ("openai") and
 * the 7 "simple" ones of open_clip ship with the model module; a file gives one template per line.
 */
public record PromptTemplates(List<String> templates) {
    /** The one template a label set uses when it names none. */
    public static final String DEFAULT_TEMPLATE = "a photo of a {}.";

    private static final int MAX_TEMPLATES = 1000;
    private static final int MAX_TEMPLATE_CHARS = 1000;

    public PromptTemplates {
        templates = List.copyOf(templates);
        if (templates.isEmpty()) {
            throw new IllegalArgumentException("no prompt templates");
        }
        if (templates.size() > MAX_TEMPLATES) {
            throw new IllegalArgumentException("more than " + MAX_TEMPLATES + " prompt templates");
        }
        for (String t : templates) {
            if (!t.contains("{}")) {
                throw new IllegalArgumentException("prompt template without {}: \"" + t + "\"");
            }
            if (t.length() > MAX_TEMPLATE_CHARS) {
                throw new IllegalArgumentException("prompt template longer than " + MAX_TEMPLATE_CHARS + " characters");
            }
        }
    }

    /** "openai", "simple", "default", or a path to a file with one template per line. */
    public static PromptTemplates named(String nameOrFile) throws IOException {
        return switch (nameOrFile) {
            case "openai" -> resource("openai.txt");
            case "simple" -> resource("simple.txt");
            case "default" -> new PromptTemplates(List.of(DEFAULT_TEMPLATE));
            default -> new PromptTemplates(lines(Files.readString(Path.of(nameOrFile), StandardCharsets.UTF_8)));
        };
    }

    /** Each template with {@code {}} replaced by the label name. */
    public List<String> fill(String label) {
        return templates.stream().map(t -> t.replace("{}", label)).toList();
    }

    private static PromptTemplates resource(String name) throws IOException {
        try (InputStream in = PromptTemplates.class.getResourceAsStream("/io/clipstream/model/templates/" + name)) {
            if (in == null) {
                throw new IOException("missing resource " + name);
            }
            return new PromptTemplates(lines(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        }
    }

    private static List<String> lines(String text) {
        return text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }
}
