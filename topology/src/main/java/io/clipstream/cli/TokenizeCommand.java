package io.clipstream.cli;

import io.clipstream.model.tokenizer.ClipTokenizer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tokenize}: the 77 token ids open_clip's tokenizer gives each text. */
@Command(
        name = "tokenize",
        mixinStandardHelpOptions = true,
        description = "Print {\"text\": T, \"ids\": [77 ints]} per text, as open_clip's HFTokenizer makes them.")
final class TokenizeCommand implements Callable<Integer> {
    @Mixin
    ModelOption model;

    @Option(names = "--text", required = true, paramLabel = "T", description = "A text to tokenize (repeatable).")
    List<String> texts;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ClipTokenizer tokenizer = ClipTokenizer.load(model.resolve());
        JsonLines out = new JsonLines(System.out);
        for (String text : texts) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("text", text);
            line.put("ids", tokenizer.encode(text));
            out.write(line);
        }
        return 0;
    }
}
