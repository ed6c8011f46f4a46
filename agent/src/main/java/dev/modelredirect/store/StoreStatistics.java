package dev.modelredirect.store;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts what a {@link ModelStore} answered since it was opened: hits, misses, failures, bytes downloaded, and the
 * last resolution of each source (at most {@link #MAX_SOURCES} sources, the least recently resolved forgotten first).
 * Thread-safe and cheap: a hit costs two counter increments and one map write.
 */
public final class StoreStatistics {
    /** Sources whose last resolution is remembered. */
    public static final int MAX_SOURCES = 256;

    /**
     * The last resolution of one source.
     *
     * @param source  the source as named
     * @param outcome {@code hit}, {@code miss} (downloaded or completed) or {@code failed}
     * @param path    the local path, or null when it failed
     * @param bytes   bytes downloaded for it (0 on a hit)
     * @param millis  time it took
     * @param epochMillis when it ended
     * @param error   the error message when it failed, else null
     */
    public record Last(String source, String outcome, String path, long bytes, long millis, long epochMillis,
            String error) {
    }

    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    private final Map<String, Last> last = new ConcurrentHashMap<>();

    /** Records a resolution that succeeded. */
    public void record(Resolution resolution) {
        (resolution.hit() ? hits : misses).increment();
        bytes.add(resolution.bytesDownloaded());
        remember(new Last(resolution.source(), resolution.hit() ? "hit" : "miss", resolution.path().toString(),
                resolution.bytesDownloaded(), resolution.nanos() / 1_000_000, System.currentTimeMillis(), null));
    }

    /** Records a resolution that failed. */
    public void failed(String source, Throwable error, long nanos) {
        failures.increment();
        remember(new Last(source, "failed", null, 0, nanos / 1_000_000, System.currentTimeMillis(),
                String.valueOf(error.getMessage())));
    }

    private void remember(Last entry) {
        last.put(entry.source(), entry);
        if (last.size() > MAX_SOURCES) {
            last.values().stream().min(Comparator.comparingLong(Last::epochMillis))
                    .ifPresent(oldest -> last.remove(oldest.source(), oldest));
        }
    }

    /** Resolutions served from the store. */
    public long hits() {
        return hits.sum();
    }

    /** Resolutions that had to download. */
    public long misses() {
        return misses.sum();
    }

    /** Resolutions that failed. */
    public long failures() {
        return failures.sum();
    }

    /** Bytes downloaded in all. */
    public long bytesDownloaded() {
        return bytes.sum();
    }

    /** The last resolution of each source, most recent first. */
    public List<Last> lastResolutions() {
        List<Last> all = new ArrayList<>(last.values());
        all.sort(Comparator.comparingLong(Last::epochMillis).reversed().thenComparing(Last::source));
        return all;
    }
}
