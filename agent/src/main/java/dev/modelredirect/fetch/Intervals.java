package dev.modelredirect.fetch;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A set of byte ranges {@code [start, end)} of one file, kept merged: what is on disk of a partial download.
 *
 * <p>Not thread-safe; callers guard it.
 */
final class Intervals {
    /** start to end, disjoint and not touching. */
    private final TreeMap<Long, Long> ranges = new TreeMap<>();
    private long total;

    /** Adds {@code [start, end)}, merging with what it touches; an empty or negative range is ignored. */
    void add(long start, long end) {
        if (end <= start) {
            return;
        }
        Map.Entry<Long, Long> before = ranges.floorEntry(start);
        if (before != null && before.getValue() >= start) {
            if (before.getValue() >= end) {
                return;
            }
            start = before.getKey();
            total -= before.getValue() - before.getKey();
            ranges.remove(before.getKey());
        }
        Map.Entry<Long, Long> next;
        while ((next = ranges.ceilingEntry(start)) != null && next.getKey() <= end) {
            end = Math.max(end, next.getValue());
            total -= next.getValue() - next.getKey();
            ranges.remove(next.getKey());
        }
        ranges.put(start, end);
        total += end - start;
    }

    /** The end of the range that starts at byte 0, or 0. */
    long prefix() {
        Long end = ranges.get(0L);
        return end == null ? 0 : end;
    }

    /** How many bytes the ranges cover. */
    long total() {
        return total;
    }

    /** The ranges, in order, as {@code {start, end}} pairs. */
    List<long[]> ranges() {
        List<long[]> out = new ArrayList<>();
        ranges.forEach((s, e) -> out.add(new long[] {s, e}));
        return out;
    }

    /** The gaps of {@code [0, size)} not covered, in order, as {@code {start, end}} pairs. */
    List<long[]> gaps(long size) {
        List<long[]> out = new ArrayList<>();
        long at = 0;
        for (Map.Entry<Long, Long> range : ranges.entrySet()) {
            if (range.getKey() >= size) {
                break;
            }
            if (range.getKey() > at) {
                out.add(new long[] {at, range.getKey()});
            }
            at = Math.max(at, range.getValue());
        }
        if (at < size) {
            out.add(new long[] {at, size});
        }
        return out;
    }
}
