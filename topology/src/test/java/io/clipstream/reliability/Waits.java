package io.clipstream.reliability;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polling until a condition holds, with one generous deadline; never a timing assertion about the service. */
public final class Waits {
    static final Duration PATIENCE = Duration.ofMinutes(3);

    private Waits() {}

    public static void until(BooleanSupplier condition, String what) throws InterruptedException {
        until(condition, what, PATIENCE);
    }

    static void until(BooleanSupplier condition, String what, Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("gave up after " + patience.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    /** Like {@link #until} for set-up steps that may throw while a broker starts; interrupts are kept. */
    static void untilQuietly(BooleanSupplier condition) {
        try {
            until(
                    () -> {
                        try {
                            return condition.getAsBoolean();
                        } catch (RuntimeException e) {
                            return false;
                        }
                    },
                    "a set-up step");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
