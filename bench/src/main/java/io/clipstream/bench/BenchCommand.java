package io.clipstream.bench;

import io.clipstream.cli.JsonLines;
import io.clipstream.model.ClipModel;
import io.clipstream.model.config.ClipConfig;
import io.clipstream.model.image.ClipPreprocessor;
import io.clipstream.model.image.ImageDecoder;
import io.clipstream.model.tokenizer.ClipTokenizer;
import io.clipstream.model.zeroshot.PromptTemplates;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code clipstream-bench image|text|preprocess}: throughput after warm-up, median of repeated runs (see {@link Throughput}),
 * with the thread settings and the peak RSS, printed as one JSON object on the last line. Without {@code --model}
 * it builds the full-size model with random weights (the real shapes and cost; the outputs mean nothing).
 * The figures and the commands that produced them are in BENCHMARKS.md.
 */
@Command(
        name = "clipstream-bench",
        mixinStandardHelpOptions = true,
        version = "clipstream-bench 0.1.0",
        subcommands = {E2eBench.class, CompareBench.class, SearchBench.class},
        description = "Measure the image tower (images/s, GFLOP/s), the text tower (prompts/s) or preprocessing; "
                + "last line is JSON. `e2e --help`: the whole path through Kafka; `compare --help`: against a plain "
                + "Python consumer loop; `search --help`: the search scan.")
public final class BenchCommand implements Callable<Integer> {
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (tests call this instead of {@link #main}). */
    public static int run(String... args) {
        return new CommandLine(new BenchCommand())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .execute(args);
    }

    /** ViT-B/32 forward pass: 4.4 GMAC = 8.8 GFLOP per image. */
    private static final double VIT_B32_GFLOP = 8.8;

    enum Kind {
        image,
        text,
        preprocess
    }

    // Optional only so that the `e2e` subcommand parses; call() asks for it.
    @Parameters(index = "0", arity = "0..1", description = "What to measure: ${COMPLETION-CANDIDATES}, or e2e.")
    Kind kind;

    @Mixin
    ModelOption modelOption;

    @Option(
            names = "--batch",
            split = ",",
            defaultValue = "1,8,32",
            description = "Images or prompts per call, one measurement each (default ${DEFAULT-VALUE}).")
    List<Integer> batches;

    @Option(names = "--seconds", defaultValue = "20", description = "Measured time per run (default ${DEFAULT-VALUE}).")
    double seconds;

    @Option(
            names = "--runs",
            defaultValue = "3",
            description = "Measured runs; the median is reported (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(
            names = "--labels",
            defaultValue = "1000",
            description = "text: labels in the ensemble runs (default ${DEFAULT-VALUE}).")
    int labels;

    @Option(
            names = "--templates",
            defaultValue = "openai",
            description =
                    "text: templates of the ensemble run: default, simple, openai or a file (default ${DEFAULT-VALUE}).")
    String templates;

    @Option(
            names = "--ensemble-sample",
            defaultValue = "25",
            paramLabel = "LABELS",
            description = "text: encode the template ensemble for this many labels and extrapolate to --labels; "
                    + "0 encodes all of them (default ${DEFAULT-VALUE}).")
    int ensembleSample;

    @Option(
            names = "--streams",
            defaultValue = "1",
            paramLabel = "N",
            description = "image: N threads each encoding its own batch on the one shared model at the same time, as N "
                    + "stream threads of the service do; pair with OMP_NUM_THREADS=cores/N (default ${DEFAULT-VALUE}).")
    int streams;

    @Option(
            names = "--pool",
            defaultValue = "0",
            paramLabel = "THREADS",
            description = "preprocess: threads of the pool run; 0 = one per core (default ${DEFAULT-VALUE}).")
    int pool;

    @Override
    public Integer call() throws Exception {
        if (kind == null) {
            throw new IllegalArgumentException("say what to measure: image, text, preprocess or e2e");
        }
        for (int b : batches) {
            if (b <= 0) throw new IllegalArgumentException("--batch values must be positive, got " + b);
        }
        if (streams <= 0) {
            throw new IllegalArgumentException("--streams must be positive, got " + streams);
        }
        Throughput timer = new Throughput(seconds, runs);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("bench", kind.name());
        if (kind == Kind.preprocess) {
            benchPreprocess(timer, result);
        } else {
            ClipModel model = modelOption.load();
            result.put("model", modelOption.dir == null ? "random full-size" : model.id());
            if (kind == Kind.image) {
                benchImage(model, timer, result);
            } else {
                benchText(model, timer, result);
            }
        }
        result.put("threads", threads());
        result.put("peak_rss_mb", peakRssMb());
        new JsonLines(System.out).write(result);
        return 0;
    }

    private void benchImage(ClipModel model, Throughput timer, Map<String, Object> result) throws Exception {
        int per = model.preprocessor().tensorLength();
        double gflopPerImage = VIT_B32_GFLOP * flopScale(model.config());
        List<Map<String, Object>> runs = new ArrayList<>();
        double ceiling;
        ExecutorService pool = Executors.newFixedThreadPool(streams, r -> new Thread(r, "bench-stream"));
        try {
            for (int batch : batches) {
                float[] pixels = new float[batch * per];
                SplittableRandom random = new SplittableRandom(batch);
                for (int i = 0; i < pixels.length; i++) {
                    pixels[i] = (float) (random.nextDouble() * 4 - 2);
                }
                Throughput.Rate rate = timer.measure("image batch " + batch, concurrently(pool, () -> {
                    model.encodeImages(pixels, batch);
                    return batch;
                }));
                Map<String, Object> run = rateEntry(batch, "images_per_s", rate);
                run.put("gflops", round(rate.median() * gflopPerImage));
                runs.add(run);
            }
            ceiling = gemmCeiling(timer, pool);
        } finally {
            pool.shutdownNow();
        }
        result.put("runs", runs);
        result.put("streams", streams);
        result.put("gemm_gflops", round(ceiling));
        result.put("gflop_per_image", round(gflopPerImage));
    }

    /**
     * The work run by {@code --streams} threads of {@code pool} at once, each call waiting for all of them: items are
     * summed. With one stream, the work itself.
     */
    private Throughput.Work concurrently(ExecutorService pool, Throughput.Work work) {
        if (streams == 1) {
            return work;
        }
        return () -> {
            List<Future<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < streams; i++) {
                calls.add(pool.submit(work::run));
            }
            int items = 0;
            for (Future<Integer> call : calls) {
                items += call.get();
            }
            return items;
        };
    }

    /**
     * The machine's practical peak: GFLOP/s of ND4J's plain matmul op (not {@code INDArray.mmul}, a slower path)
     * on the MLP's shape at batch 8, [400, 768] × [768, 3072], run by as many streams at once as the tower was, each
     * on its own arrays, so that the tower's GFLOP/s and this ceiling compare like with like.
     */
    private double gemmCeiling(Throughput timer, ExecutorService pool) throws Exception {
        ThreadLocal<Matmul> perStream = ThreadLocal.withInitial(Matmul::mlpAtBatch8);
        Throughput.Rate rate = timer.measure("gemm", concurrently(pool, () -> {
            perStream.get().run();
            return 1;
        }));
        return rate.median() * 2.0 * 400 * 768 * 3072 / 1e9;
    }

    /** One stream's operands and output for the GEMM ceiling: {@code out = a × b}. */
    private record Matmul(INDArray a, INDArray b, INDArray out) {
        static Matmul mlpAtBatch8() {
            return new Matmul(Nd4j.rand(400, 768), Nd4j.rand(768, 3072), Nd4j.create(400, 3072));
        }

        void run() {
            Nd4j.exec(new Mmul(a, b, out, null));
        }
    }

    private void benchText(ClipModel model, Throughput timer, Map<String, Object> result) throws Exception {
        List<String> names;
        try (var in = BenchCommand.class.getResourceAsStream("/io/clipstream/model/imagenet_classnames.txt")) {
            names = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .toList();
        }
        List<Map<String, Object>> runs = new ArrayList<>();
        for (int batch : batches) {
            List<String> typical = new ArrayList<>();
            for (int i = 0; i < batch; i++) {
                typical.add("a photo of a " + names.get(i % names.size()) + ".");
            }
            Throughput.Rate rate = timer.measure("text batch " + batch, () -> {
                model.encodeTexts(typical);
                return typical.size();
            });
            Map<String, Object> run = rateEntry(batch, "prompts_per_s", rate);
            run.put("mean_tokens", round(meanTokens(model.tokenizer(), typical)));
            runs.add(run);
        }
        result.put("runs", runs);

        List<String> single = new ArrayList<>();
        for (int i = 0; i < labels; i++) {
            single.add("a photo of a " + names.get(i % names.size()) + ".");
        }
        result.put("labels_x1_seconds", round(secondsToEncode(model, single)));

        PromptTemplates ensemble = PromptTemplates.named(templates);
        int sampled = ensembleSample <= 0 ? labels : Math.min(ensembleSample, labels);
        List<String> prompts = new ArrayList<>();
        for (int i = 0; i < sampled; i++) {
            // Spread the sample over the whole list: label names differ in length.
            prompts.addAll(ensemble.fill(names.get((int) ((long) i * names.size() / sampled) % names.size())));
        }
        double took = secondsToEncode(model, prompts);
        result.put("ensemble_templates", ensemble.templates().size());
        result.put("ensemble_labels_encoded", sampled);
        result.put("ensemble_prompts_per_s", round(prompts.size() / took));
        result.put(
                sampled == labels ? "ensemble_seconds" : "ensemble_seconds_extrapolated",
                round(took * labels / sampled));
        result.put("labels", labels);
        result.put(
                "tokenizer",
                modelOption.dir == null
                        ? "tiny test tokenizer (more tokens per prompt than roberta-base's)"
                        : "model's");
    }

    private static double secondsToEncode(ClipModel model, List<String> prompts) {
        long start = System.nanoTime();
        model.encodeTexts(prompts);
        return (System.nanoTime() - start) / 1e9;
    }

    private static double meanTokens(ClipTokenizer tokenizer, List<String> prompts) {
        return prompts.stream()
                .mapToInt(p -> tokenizer.encodeUnpadded(p).length)
                .average()
                .orElse(0);
    }

    /**
     * Decode + resize + centre-crop + normalise, for a small and a camera-sized JPEG, on one thread and on a pool: with
     * the default JPEG decoder (libjpeg-turbo when the host has it), then with ImageIO, then with libjpeg-turbo's
     * reduced-scale decoding ({@code image.jpeg.draft}) and how far its crop is from the exact one.
     */
    private void benchPreprocess(Throughput timer, Map<String, Object> result) throws Exception {
        ClipConfig config = modelOption.dir == null
                ? ClipConfig.robertaVitB32()
                : ClipModel.load(modelOption.dir).config();
        int threads = pool > 0 ? pool : Runtime.getRuntime().availableProcessors();
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        List<ImageDecoder> decoders = new ArrayList<>(List.of(new ImageDecoder()));
        if (!decoders.get(0).jpegDecoder().equals("ImageIO")) {
            decoders.add(ImageDecoder.imageIoOnly(ImageDecoder.DEFAULT_MAX_BYTES, ImageDecoder.DEFAULT_MAX_PIXELS));
            decoders.add(decoders.get(0).withJpegDraft(true));
        }
        ClipPreprocessor exact = new ClipPreprocessor(config.preprocess(), decoders.get(0));
        try {
            List<Map<String, Object>> images = new ArrayList<>();
            for (int[] size : new int[][] {{640, 480}, {4000, 3000}}) {
                byte[] jpeg = SyntheticJpeg.of(size[0], size[1], 7);
                for (ImageDecoder decoder : decoders) {
                    ClipPreprocessor preprocessor = new ClipPreprocessor(config.preprocess(), decoder);
                    String decoderName = decoder.jpegDecoder() + (decoder.jpegDraft() ? " draft" : "");
                    String name = size[0] + "x" + size[1] + " " + decoderName;
                    Throughput.Rate one = timer.measure(name + " 1 thread", () -> {
                        preprocessor.preprocess(jpeg);
                        return 1;
                    });
                    Throughput.Rate pooled = timer.measure(name + " " + threads + " threads", () -> {
                        List<Future<float[]>> done = new ArrayList<>();
                        for (int i = 0; i < threads * 2; i++) {
                            done.add(executor.submit(() -> preprocessor.preprocess(jpeg)));
                        }
                        for (Future<float[]> f : done) {
                            f.get();
                        }
                        return done.size();
                    });
                    Map<String, Object> entry = new LinkedHashMap<>();
                    entry.put("image", size[0] + "x" + size[1]);
                    entry.put("jpeg_decoder", decoderName);
                    if (decoder.jpegDraft()) {
                        byte[] want = exact.crop(jpeg).pixels();
                        byte[] got = preprocessor.crop(jpeg).pixels();
                        long sum = 0;
                        int max = 0;
                        for (int i = 0; i < want.length; i++) {
                            int d = Math.abs((want[i] & 0xff) - (got[i] & 0xff));
                            sum += d;
                            max = Math.max(max, d);
                        }
                        entry.put("crop_max_abs_diff", max);
                        entry.put("crop_mean_abs_diff", round((double) sum / want.length));
                    }
                    entry.put("jpeg_kb", jpeg.length / 1024);
                    entry.put("ms_per_image_1_thread", round(1000 / one.median()));
                    entry.put("images_per_s_1_thread", round(one.median()));
                    entry.put("images_per_s_pool", round(pooled.median()));
                    entry.put("pool_threads", threads);
                    images.add(entry);
                }
            }
            result.put("images", images);
        } finally {
            executor.shutdownNow();
        }
    }

    private static Map<String, Object> rateEntry(int batch, String unit, Throughput.Rate rate) {
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("batch", batch);
        run.put(unit, round(rate.median()));
        run.put("spread", List.of(round(rate.min()), round(rate.max())));
        return run;
    }

    /** FLOPs relative to ViT-B/32 when a smaller model is measured (by width² · layers · tokens). */
    private static double flopScale(ClipConfig c) {
        var v = c.vision();
        return (double) v.width() * v.width() * v.layers() * v.tokens() / (768.0 * 768 * 12 * 50);
    }

    /** What decides parallelism: OpenMP threads (oneDNN and the BLAS follow OMP_NUM_THREADS), ND4J's own settings. */
    private static Map<String, Object> threads() {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("OMP_NUM_THREADS", System.getenv().getOrDefault("OMP_NUM_THREADS", "unset"));
        t.put("OPENBLAS_CORETYPE", System.getenv().getOrDefault("OPENBLAS_CORETYPE", "unset"));
        t.put("nd4j_max_threads", Nd4j.getEnvironment().maxThreads());
        t.put("nd4j_max_master_threads", Nd4j.getEnvironment().maxMasterThreads());
        t.put("blas", String.valueOf(Nd4j.factory().blas().getBlasVendor()));
        t.put("cores", Runtime.getRuntime().availableProcessors());
        t.put("max_heap_mb", Runtime.getRuntime().maxMemory() >> 20);
        return t;
    }

    /** This process's peak resident memory (VmHWM), MB; -1 if unknown. */
    static long peakRssMb() {
        return peakRssMb(Path.of("/proc/self/status"));
    }

    /** The peak resident memory (VmHWM) a {@code /proc/<pid>/status} file gives, MB; -1 if unknown or gone. */
    static long peakRssMb(Path procStatus) {
        try {
            for (String line : Files.readAllLines(procStatus)) {
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
