package dev.modelredirect.fetch;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Which byte ranges of a parallel download each connection fetches: pieces of up to one chunk handed out in file
 * order, and at the tail, when none is left, half of the largest range another connection still has to go (work
 * stealing), so every connection stays busy until the end.
 *
 * <p>Not thread-safe: the caller holds one lock around every call. A {@link Segment}'s {@code end} may shrink under
 * a steal, but never below the bytes its connection has already {@linkplain #reserve reserved} to read.
 */
final class RangePlan {
    /**
     * Written bytes are recorded in the journal at least this often per connection: the most a kill can lose is
     * this plus what was in flight, under the 1 MiB per connection promised.
     */
    static final long RECORD_EVERY = 512L << 10;
    /** A steal leaves both halves at least this long. */
    static final long MIN_PIECE = 1L << 20;

    /** A range one connection is fetching. */
    static final class Segment {
        /** The next byte to write. */
        long position;
        /** One past the last byte of the range; a steal lowers it. */
        long end;
        /** Bytes before this are being read or written already; a steal never cuts below it. */
        long reserved;
        /** Bytes before this are in the journal. */
        long recorded;

        Segment(long start, long end) {
            this.position = start;
            this.end = end;
            this.reserved = start;
            this.recorded = start;
        }

        long remaining() {
            return end - position;
        }

        boolean complete() {
            return position >= end;
        }
    }

    private final Deque<long[]> pending = new ArrayDeque<>();
    private final List<Segment> active = new ArrayList<>();
    private final Intervals written;
    private int steals;

    /** A plan for the bytes of {@code [0, size)} that {@code written} lacks, in pieces of at most {@code chunk}. */
    RangePlan(long size, long chunk, Intervals written) {
        this.written = written;
        for (long[] gap : written.gaps(size)) {
            for (long at = gap[0]; at < gap[1]; at += chunk) {
                pending.add(new long[] {at, Math.min(gap[1], at + chunk)});
            }
        }
    }

    /**
     * The next range to fetch: the first pending piece if it starts before {@code windowEnd}; with none pending, the
     * upper half of the largest active range (that range ends where the new one starts). Null when there is nothing
     * to hand out now.
     */
    Segment next(long windowEnd) {
        if (!pending.isEmpty()) {
            if (pending.peekFirst()[0] >= windowEnd) {
                return null;
            }
            long[] piece = pending.pollFirst();
            Segment segment = new Segment(piece[0], piece[1]);
            active.add(segment);
            return segment;
        }
        Segment victim = null;
        for (Segment segment : active) {
            if (victim == null || segment.end - segment.reserved > victim.end - victim.reserved) {
                victim = segment;
            }
        }
        if (victim == null || victim.end - victim.reserved < 2 * MIN_PIECE) {
            return null;
        }
        long middle = victim.reserved + (victim.end - victim.reserved) / 2;
        Segment stolen = new Segment(middle, victim.end);
        victim.end = middle;
        active.add(stolen);
        steals++;
        return stolen;
    }

    /** Whether pieces are waiting (possibly outside the window): a connection without work should wait, not quit. */
    boolean hasPending() {
        return !pending.isEmpty();
    }

    /** How many bytes {@code segment}'s connection may read next, at most {@code max}; reserves them. */
    int reserve(Segment segment, int max) {
        int n = (int) Math.min(max, segment.end - segment.position);
        segment.reserved = segment.position + n;
        return n;
    }

    /**
     * Records that {@code n} bytes were written at {@code segment.position}; returns true when the journal is due an
     * entry for {@code [segment.recorded, segment.position)}.
     */
    boolean wrote(Segment segment, int n) {
        written.add(segment.position, segment.position + n);
        segment.position += n;
        return segment.position - segment.recorded >= RECORD_EVERY || segment.complete();
    }

    /** The range to write to the journal for {@code segment} now, marking it recorded; null when there is none. */
    long[] toRecord(Segment segment) {
        if (segment.position <= segment.recorded) {
            return null;
        }
        long[] range = {segment.recorded, segment.position};
        segment.recorded = segment.position;
        return range;
    }

    /** The connection of {@code segment} is done with it (finished, or given up after a failure). */
    void retire(Segment segment) {
        active.remove(segment);
        if (!segment.complete()) {
            pending.addFirst(new long[] {segment.position, segment.end});
        }
    }

    /** Bytes written without a gap from byte 0. */
    long prefix() {
        return written.prefix();
    }

    /** How many times a range was split for an idle connection. */
    int steals() {
        return steals;
    }
}
