package dev.modelredirect.serve;

import dev.modelredirect.hub.RepoId;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * File requests per repository since the server started: hits (answered from the store) and misses (the store did
 * not have the file: fetched by a pull-through mirror, or refused). For the status page. Thread-safe; bounded to
 * {@value #MAX_REPOS} repositories so that requests for made-up names cannot grow it without end.
 */
final class Traffic {
    static final int MAX_REPOS = 10_000;

    /** Hits and misses of one repository. */
    record Counts(long hits, long misses) {
    }

    private record Counter(LongAdder hits, LongAdder misses) {
    }

    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    void hit(RepoId repo) {
        hits.increment();
        Counter counter = counter(repo);
        if (counter != null) {
            counter.hits().increment();
        }
    }

    void miss(RepoId repo) {
        misses.increment();
        Counter counter = counter(repo);
        if (counter != null) {
            counter.misses().increment();
        }
    }

    /** Every repository's counts (keyed by {@link RepoId#toString()}), sorted. */
    Map<String, Counts> byRepo() {
        Map<String, Counts> all = new TreeMap<>();
        counters.forEach((repo, c) -> all.put(repo, new Counts(c.hits().sum(), c.misses().sum())));
        return all;
    }

    Counts of(RepoId repo) {
        Counter c = counters.get(repo.toString());
        return c == null ? new Counts(0, 0) : new Counts(c.hits().sum(), c.misses().sum());
    }

    Counts total() {
        return new Counts(hits.sum(), misses.sum());
    }

    private Counter counter(RepoId repo) {
        String key = repo.toString();
        Counter counter = counters.get(key);
        if (counter == null && counters.size() < MAX_REPOS) {
            counter = counters.computeIfAbsent(key, k -> new Counter(new LongAdder(), new LongAdder()));
        }
        return counter;
    }
}
