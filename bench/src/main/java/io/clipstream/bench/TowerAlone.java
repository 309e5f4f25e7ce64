package io.clipstream.bench;

import io.clipstream.model.ClipModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The image tower alone, in a JVM of its own started as the service's is ({@link BenchService.ChildService#childJvm}):
 * the same JVM options, environment and shape (threads × OMP_NUM_THREADS), so that "end to end / tower alone"
 * compares the service with its own tower and not with a tower that shares the bench's JVM, broker and heap.
 */
final class TowerAlone {
    private TowerAlone() {}

    /** {@code MODEL_DIR JPEG BATCH THREADS SECONDS}: prints images/s as the last line of standard output. */
    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: TowerAlone MODEL_DIR JPEG BATCH THREADS SECONDS");
            System.exit(2);
        }
        ClipModel model = ClipModel.load(Path.of(args[0]));
        float[] one = model.preprocess(Files.readAllBytes(Path.of(args[1])));
        double rate = E2eBench.towerRate(
                model,
                one,
                Integer.parseInt(args[2]),
                Integer.parseInt(args[3]),
                Double.parseDouble(args[4]),
                System.err);
        System.out.println(rate);
    }

    /** Runs it in a child JVM; returns the images/s it printed. */
    static double inChildJvm(Path model, Path jpeg, int batch, int threads, double seconds) throws IOException {
        Process p = BenchService.ChildService.childJvm(
                        TowerAlone.class,
                        model.toString(),
                        jpeg.toString(),
                        String.valueOf(batch),
                        String.valueOf(threads),
                        String.valueOf(seconds))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        List<String> lines = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                .lines()
                .toList();
        try {
            if (p.waitFor() != 0 || lines.isEmpty()) {
                throw new IOException("the tower-alone JVM failed (exit " + p.exitValue() + ")");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        return Double.parseDouble(lines.get(lines.size() - 1).trim());
    }
}
