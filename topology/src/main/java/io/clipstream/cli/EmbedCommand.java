package io.clipstream.cli;

import io.clipstream.model.ClipModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code embed}: raw tower outputs, as open_clip's {@code encode_image} / {@code encode_text} return them,
 * one line per input in the order given.
 */
@Command(
        name = "embed",
        mixinStandardHelpOptions = true,
        description =
                "Print {\"kind\": \"image\"|\"text\", \"input\": …, \"embedding\": [floats]} per input, in input order.")
final class EmbedCommand implements Callable<Integer> {
    private final List<Input> inputs = new ArrayList<>();

    @Mixin
    ModelOption model;

    @Option(names = "--image", paramLabel = "FILE", description = "An image file (repeatable).")
    void image(Path file) {
        inputs.add(new Input("image", file.toString()));
    }

    @Option(names = "--text", paramLabel = "T", description = "A text (repeatable).")
    void text(String text) {
        inputs.add(new Input("text", text));
    }

    @Override
    public Integer call() throws Exception {
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("nothing to embed: give --image FILE or --text T");
        }
        ClipModel clip = model.load();
        JsonLines out = new JsonLines(System.out);
        int failures = 0;
        for (Input input : inputs) {
            try {
                float[] embedding = input.kind.equals("image")
                        ? clip.encodeImages(List.of(clip.preprocess(Files.readAllBytes(Path.of(input.value)))))[0]
                        : clip.encodeTexts(List.of(input.value))[0];
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("kind", input.kind);
                line.put("input", input.value);
                line.put("embedding", embedding);
                out.write(line);
            } catch (Exception e) {
                failures++;
                System.err.println("error: " + input.value + ": " + ErrorHandler.describe(e));
            }
        }
        return failures == 0 ? 0 : 1;
    }

    private record Input(String kind, String value) {}
}
