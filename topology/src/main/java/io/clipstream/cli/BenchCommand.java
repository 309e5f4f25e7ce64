package io.clipstream.cli;

import io.clipstream.model.ClipModel;
import io.clipstream.model.RandomWeights;
import io.clipstream.model.checkpoint.StateDict;
import io.clipstream.model.config.ClipConfig;
import io.clipstream.model.graph.ClipGraph;
import io.clipstream.model.image.ClipPreprocessor;
import io.clipstream.model.image.ImageDecoder;
import io.clipstream.model.tokenizer.ClipTokenizer;
import io.clipstream.model.zeroshot.PromptTemplates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bench image|text}: throughput of the towers after warm-up, median of repeated runs, printed as one
 * JSON object on the last line. Without {@code --model} it builds the full-size model with random weights
 * (the real shapes and cost; the numbers mean nothing else).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure the image tower (images/s, GFLOP/s) or the text tower (prompts/s); last line is JSON.")
final class BenchCommand implements Callable<Integer> {
    /** ViT-B/32 forward pass: 4.4 GMAC = 8.8 GFLOP per image. */
    private static final double VIT_B32_GFLOP = 8.8;

    enum Kind { image, text }

    @Parameters(index = "0", description = "What to measure: ${COMPLETION-CANDIDATES}.")
    Kind kind;

    @Option(names = "--model", paramLabel = "DIR", description = "A model folder; default: full-size random weights.")
    Path modelDir;

    @Option(names = "--batch", defaultValue = "8", description = "Images or prompts per call (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seconds", defaultValue = "20", description = "Measured time per run (default ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--runs", defaultValue = "3", description = "Measured runs; the median is reported (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--labels", defaultValue = "1000", description = "text: labels in the ensemble run (default ${DEFAULT-VALUE}).")
    int labels;

    @Option(names = "--templates", defaultValue = "default", description = "text: templates per label (default ${DEFAULT-VALUE}).")
    String templates;

    @Override
    public Integer call() throws Exception {
        ClipModel model = load();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("bench", kind.name());
        result.put("model", modelDir == null ? "random full-size" : model.id());
        result.put("batch", batch);
        if (kind == Kind.image) {
            benchImage(model, result);
        } else {
            benchText(model, result);
        }
        result.put("threads", threads());
        result.put("peak_rss_mb", peakRssMb());
        new JsonLines(System.out).write(result);
        return 0;
    }

    private void benchImage(ClipModel model, Map<String, Object> result) {
        int per = model.preprocessor().tensorLength();
        float[] pixels = new float[batch * per];
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) (random.nextDouble() * 4 - 2);
        }
        double perSecond = median(() -> {
            model.encodeImages(pixels, batch);
            return batch;
        });
        result.put("images_per_s", round(perSecond));
        result.put("gflops", round(perSecond * VIT_B32_GFLOP * flopScale(model.config())));
    }

    private void benchText(ClipModel model, Map<String, Object> result) throws IOException {
        List<String> names;
        try (var in = BenchCommand.class.getResourceAsStream("/io/clipstream/model/imagenet_classnames.txt")) {
            names = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines().toList();
        }
        PromptTemplates prompts = PromptTemplates.named(templates);
        List<String> typical = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            typical.add("a photo of a " + names.get(i % names.size()) + ".");
        }
        double perSecond = median(() -> {
            model.encodeTexts(typical);
            return typical.size();
        });
        result.put("prompts_per_s", round(perSecond));
        List<String> ensemble = new ArrayList<>();
        for (int i = 0; i < labels; i++) {
            ensemble.addAll(prompts.fill(names.get(i % names.size())));
        }
        long start = System.nanoTime();
        model.encodeTexts(ensemble);
        double took = (System.nanoTime() - start) / 1e9;
        result.put("ensemble_labels", labels);
        result.put("ensemble_prompts", ensemble.size());
        result.put("ensemble_seconds", round(took));
    }

    private ClipModel load() throws IOException {
        if (modelDir != null) {
            return ClipModel.load(modelDir);
        }
        ClipConfig config = ClipConfig.robertaVitB32();
        ClipGraph graph = ClipGraph.build(config, StateDict.of(RandomWeights.generate(config, 1)));
        return new ClipModel("random full-size", graph, ClipTokenizer.tiny(),
                new ClipPreprocessor(config.preprocess(), new ImageDecoder()));
    }

    private interface Work {
        int run();
    }

    /** Warm-up, then {@code runs} runs of at least {@code seconds} each; the median items per second. */
    private double median(Work work) {
        long warmUntil = System.nanoTime() + (long) (Math.min(seconds, 5) * 1e9);
        do {
            work.run();
        } while (System.nanoTime() < warmUntil);
        double[] rates = new double[runs];
        for (int r = 0; r < runs; r++) {
            long start = System.nanoTime();
            long end = start + (long) (seconds * 1e9);
            long items = 0;
            long now;
            do {
                items += work.run();
                now = System.nanoTime();
            } while (now < end);
            rates[r] = items / ((now - start) / 1e9);
            System.err.printf("run %d: %.2f/s%n", r + 1, rates[r]);
        }
        Arrays.sort(rates);
        return rates[runs / 2];
    }

    /** FLOPs relative to ViT-B/32 when a smaller model is measured (by width² · layers · tokens). */
    private static double flopScale(ClipConfig c) {
        var v = c.vision();
        return (double) v.width() * v.width() * v.layers() * v.tokens() / (768.0 * 768 * 12 * 50);
    }

    private static Map<String, Object> threads() {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("OMP_NUM_THREADS", System.getenv().getOrDefault("OMP_NUM_THREADS", "unset"));
        t.put("cores", Runtime.getRuntime().availableProcessors());
        return t;
    }

    static long peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
