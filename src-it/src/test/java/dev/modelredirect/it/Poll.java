package dev.modelredirect.it;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waiting for a condition by polling it, never by sleeping a guessed time. */
public final class Poll {
    private static final long INTERVAL_MILLIS = 25;

    private Poll() {
    }

    /**
     * Polls {@code condition} until it holds; fails after {@code timeout} with {@code what} and the {@code state}
     * at that moment.
     */
    public static void until(Duration timeout, String what, BooleanSupplier condition, Supplier<String> state) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting until " + what + "; "
                        + state.get());
            }
            try {
                Thread.sleep(INTERVAL_MILLIS);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting until " + what, ex);
            }
        }
    }
}
