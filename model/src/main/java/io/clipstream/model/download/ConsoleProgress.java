package io.clipstream.model.download;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Download progress for people: on a terminal a one-line bar redrawn in place at most five times a second
 * ({@code file [#####-----] 412.3/851.4 MB 12.3 MB/s}); when stderr is not a terminal (logs, CI) one plain line
 * when each file starts and one when it ends, so logs stay readable.
 */
public final class ConsoleProgress implements DownloadProgress {
    private static final long REDRAW_NANOS = 200_000_000L;
    private static final int BAR_WIDTH = 24;

    private final PrintStream out;
    private final boolean terminal;
    private final LongSupplier clock;
    private long startNanos;
    private long startBytes;
    private long lastDraw;

    public ConsoleProgress(PrintStream out, boolean terminal, LongSupplier nanoClock) {
        this.out = out;
        this.terminal = terminal;
        this.clock = nanoClock;
    }

    /** Progress on {@code System.err}, as a bar when there is a console. */
    public static ConsoleProgress toStderr() {
        return new ConsoleProgress(System.err, System.console() != null, System::nanoTime);
    }

    @Override
    public void started(String file, long size, long resumedFrom) {
        startNanos = clock.getAsLong();
        startBytes = resumedFrom;
        lastDraw = startNanos - REDRAW_NANOS;
        String resume = resumedFrom > 0 ? " resuming at " + megabytes(resumedFrom) : "";
        if (terminal) {
            draw(file, resumedFrom, size);
        } else {
            out.println("downloading " + file + " (" + megabytes(size) + ")" + resume);
        }
    }

    @Override
    public void advanced(String file, long done, long size) {
        if (terminal && clock.getAsLong() - lastDraw >= REDRAW_NANOS) {
            draw(file, done, size);
        }
    }

    @Override
    public void finished(String file, long size) {
        double seconds = Math.max(1e-9, (clock.getAsLong() - startNanos) / 1e9);
        String line = String.format(
                Locale.ROOT, "%s: %s in %.1f s (%s/s), verified", file, megabytes(size), seconds, megabytes((long)
                        ((size - startBytes) / seconds)));
        out.println(terminal ? "\r" + line + "\u001b[K" : line);
    }

    @Override
    public void skipped(String file, long size) {
        out.println(file + ": already complete (" + megabytes(size) + "), verified");
    }

    @Override
    public void retrying(String file, int attempt, String reason) {
        out.println((terminal ? "\r\u001b[K" : "") + file + ": " + reason + "; retrying (attempt " + attempt + ")");
    }

    private void draw(String file, long done, long size) {
        long now = clock.getAsLong();
        lastDraw = now;
        int filled = size <= 0 ? BAR_WIDTH : (int) Math.min(BAR_WIDTH, done * BAR_WIDTH / size);
        double seconds = (now - startNanos) / 1e9;
        String rate = seconds > 0 ? megabytes((long) ((done - startBytes) / seconds)) + "/s" : "";
        out.print("\r" + file + " [" + "#".repeat(filled) + "-".repeat(BAR_WIDTH - filled) + "] "
                + String.format(Locale.ROOT, "%.1f/%.1f MB ", done / 1e6, size / 1e6) + rate + "\u001b[K");
        out.flush();
    }

    static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
}
