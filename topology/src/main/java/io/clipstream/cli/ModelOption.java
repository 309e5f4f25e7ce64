package io.clipstream.cli;

import io.clipstream.model.ClipModel;
import io.clipstream.model.download.ModelCache;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --model DIR}: the model folder, by default the download cache. */
final class ModelOption {
    @Option(
            names = "--model",
            paramLabel = "DIR",
            description = "Model folder (weights, configs, tokenizer). Default: the download cache "
                    + "(CLIPSTREAM_CACHE, XDG_CACHE_HOME/clipstream or ~/.cache/clipstream).")
    Path dir;

    Path resolve() {
        return dir != null ? dir : ModelCache.defaultModelDir();
    }

    ClipModel load() throws IOException {
        Path folder = resolve();
        if (!Files.isDirectory(folder)) {
            throw new IOException("no model at " + folder + ": run `clipstream download` or pass --model DIR");
        }
        return ClipModel.load(folder);
    }
}
