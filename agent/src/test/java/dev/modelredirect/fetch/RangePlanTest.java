package dev.modelredirect.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RangePlanTest {
    private static final long MIB = 1 << 20;

    @Test
    void piecesAreHandedOutInFileOrderSkippingWhatIsOnDisk() {
        Intervals written = new Intervals();
        written.add(0, 4 * MIB);
        RangePlan plan = new RangePlan(10 * MIB, 4 * MIB, written);
        RangePlan.Segment first = plan.next(Long.MAX_VALUE);
        RangePlan.Segment second = plan.next(Long.MAX_VALUE);
        assertThat(new long[] {first.position, first.end}).containsExactly(4 * MIB, 8 * MIB);
        assertThat(new long[] {second.position, second.end}).containsExactly(8 * MIB, 10 * MIB);
    }

    @Test
    void aPieceBeyondTheWindowWaits() {
        RangePlan plan = new RangePlan(8 * MIB, 4 * MIB, new Intervals());
        plan.next(Long.MAX_VALUE);
        assertThat(plan.next(4 * MIB)).isNull();
        assertThat(plan.hasPending()).isTrue();
    }

    @Test
    void anIdleConnectionStealsTheUpperHalfOfTheLargestRemainingRange() {
        RangePlan plan = new RangePlan(24 * MIB, 16 * MIB, new Intervals());
        RangePlan.Segment big = plan.next(Long.MAX_VALUE);
        RangePlan.Segment small = plan.next(Long.MAX_VALUE);
        assertThat(plan.reserve(big, (int) (2 * MIB))).isEqualTo(2 * MIB);
        plan.wrote(big, (int) (2 * MIB));

        RangePlan.Segment stolen = plan.next(Long.MAX_VALUE);

        assertThat(stolen.position).isEqualTo(9 * MIB);
        assertThat(stolen.end).isEqualTo(16 * MIB);
        assertThat(big.end).isEqualTo(9 * MIB);
        assertThat(small.end).isEqualTo(24 * MIB);
        assertThat(plan.steals()).isEqualTo(1);
    }

    @Test
    void aStealNeverCutsBytesAConnectionIsAlreadyReading() {
        RangePlan plan = new RangePlan(4 * MIB, 4 * MIB, new Intervals());
        RangePlan.Segment only = plan.next(Long.MAX_VALUE);
        plan.reserve(only, (int) (3 * MIB));
        assertThat(plan.next(Long.MAX_VALUE)).as("1 MiB left beyond the reservation is too little to split")
                .isNull();
        assertThat(plan.hasPending()).isFalse();
    }

    @Test
    void theJournalIsDueAnEntryEveryHalfMebibyteAndAtTheEnd() {
        RangePlan plan = new RangePlan(MIB + 10, 4 * MIB, new Intervals());
        RangePlan.Segment segment = plan.next(Long.MAX_VALUE);
        assertThat(plan.wrote(segment, 100)).isFalse();
        assertThat(plan.wrote(segment, (int) RangePlan.RECORD_EVERY)).isTrue();
        assertThat(plan.toRecord(segment)).containsExactly(0, 100 + RangePlan.RECORD_EVERY);
        assertThat(plan.wrote(segment, (int) (MIB + 10 - 100 - RangePlan.RECORD_EVERY))).isTrue();
        assertThat(plan.prefix()).isEqualTo(MIB + 10);
    }
}
