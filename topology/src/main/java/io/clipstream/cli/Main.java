package io.clipstream.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code clipstream}: the runnable jar. Results go to stdout as JSON Lines, logs and progress to stderr.
 */
@Command(
        name = "clipstream",
        mixinStandardHelpOptions = true,
        version = "clipstream 0.1.0",
        description = "Real-time CLIP image tagging on Kafka Streams (OpenCLIP roberta-ViT-B-32 in DL4J SameDiff).",
        subcommands = {
            DownloadCommand.class,
            TokenizeCommand.class,
            EmbedCommand.class,
            ClassifyCommand.class,
            RunCommand.class,
            DemoCommand.class,
            LabelsCommand.class,
            SendCommand.class,
            TailCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {

    public static void main(String[] args) {
        try {
            System.exit(run(args));
        } catch (LinkageError e) {
            if (!fromNativeBackend(e)) {
                throw e;
            }
            // ND4J's native backend failed to load: the one failure that is an Error, not an Exception.
            System.err.println("error: the ND4J backend could not be loaded: " + rootMessage(e));
            System.err.println("       (the CUDA build needs an NVIDIA driver and a GPU of compute capability 3.7-8.6;"
                    + " the CPU build needs linux-x86_64 with AVX2)");
            System.exit(1);
        }
    }

    /** Whether the error comes from loading ND4J or its JavaCPP natives (not, say, a stale class on the class path). */
    private static boolean fromNativeBackend(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String text = String.valueOf(t.getMessage()) + " " + t.getClass().getName();
            if (t instanceof UnsatisfiedLinkError || text.contains("nd4j") || text.contains("bytedeco")) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String first = e instanceof UnsatisfiedLinkError ? e.getMessage() : root.getMessage();
        return first != null ? first : root.getClass().getName();
    }

    /** Runs the command line and returns its exit code (tests call this instead of {@link #main}). */
    public static int run(String... args) {
        return new CommandLine(new Main())
                .setCaseInsensitiveEnumValuesAllowed(true)
                // embed's --image/--text record each occurrence in order through setters.
                .setOverwrittenOptionsAllowed(true)
                .setExecutionExceptionHandler(new ErrorHandler())
                .execute(args);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.err);
    }
}
