package dev.modelredirect.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IntervalsTest {
    @Test
    void touchingAndOverlappingRangesMergeAndTheTotalCountsEachByteOnce() {
        Intervals intervals = new Intervals();
        intervals.add(10, 20);
        intervals.add(30, 40);
        intervals.add(20, 30);
        intervals.add(35, 50);
        intervals.add(12, 18);
        assertThat(intervals.ranges()).containsExactly(new long[] {10, 50});
        assertThat(intervals.total()).isEqualTo(40);
    }

    @Test
    void thePrefixIsTheRangeFromByteZeroOnly() {
        Intervals intervals = new Intervals();
        intervals.add(5, 10);
        assertThat(intervals.prefix()).isZero();
        intervals.add(0, 5);
        assertThat(intervals.prefix()).isEqualTo(10);
    }

    @Test
    void gapsAreWhatIsMissingOfTheFile() {
        Intervals intervals = new Intervals();
        intervals.add(0, 3);
        intervals.add(6, 8);
        assertThat(intervals.gaps(10)).containsExactly(new long[] {3, 6}, new long[] {8, 10});
        assertThat(new Intervals().gaps(4)).containsExactly(new long[] {0, 4});
    }
}
