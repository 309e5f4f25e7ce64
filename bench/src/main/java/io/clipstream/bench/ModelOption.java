package io.clipstream.bench;

import io.clipstream.model.ClipModel;
import io.clipstream.model.RandomWeights;
import io.clipstream.model.checkpoint.StateDict;
import io.clipstream.model.config.ClipConfig;
import io.clipstream.model.graph.ClipGraph;
import io.clipstream.model.image.ClipPreprocessor;
import io.clipstream.model.image.ImageDecoder;
import io.clipstream.model.tokenizer.ClipTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --model}, shared by the benchmarks: a model folder, or by default the full-size model with random weights. */
final class ModelOption {
    @Option(names = "--model", paramLabel = "DIR", description = "A model folder; default: full-size random weights.")
    Path dir;

    /** The model in {@link #dir}, or the real architecture with random weights (its shapes and cost, no meaning). */
    ClipModel load() throws IOException {
        if (dir != null) {
            return ClipModel.load(dir);
        }
        ClipConfig config = ClipConfig.robertaVitB32();
        ClipGraph graph = ClipGraph.build(config, StateDict.of(RandomWeights.generate(config, 1)));
        return new ClipModel(
                "random full-size",
                graph,
                ClipTokenizer.tiny(),
                new ClipPreprocessor(config.preprocess(), new ImageDecoder()));
    }
}
