package dev.modelredirect.serve;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ByteRangeTest {
    @Test
    void theThreeFormsOfASingleRangeAreRead() {
        assertThat(ByteRange.parse("bytes=0-9", 100)).isEqualTo(new ByteRange(0, 9));
        assertThat(ByteRange.parse("bytes=90-", 100)).isEqualTo(new ByteRange(90, 99));
        assertThat(ByteRange.parse("bytes=-10", 100)).isEqualTo(new ByteRange(90, 99));
        assertThat(ByteRange.parse("bytes=-1000", 100)).isEqualTo(new ByteRange(0, 99));
        assertThat(ByteRange.parse("bytes=50-1000", 100)).isEqualTo(new ByteRange(50, 99));
        assertThat(ByteRange.parse("Bytes=1-1", 100)).isEqualTo(new ByteRange(1, 1));
    }

    @Test
    void aRangeStartingAtOrPastTheEndIsUnsatisfiable() {
        assertThat(ByteRange.parse("bytes=100-", 100)).isSameAs(ByteRange.UNSATISFIABLE);
        assertThat(ByteRange.parse("bytes=100-200", 100)).isSameAs(ByteRange.UNSATISFIABLE);
        assertThat(ByteRange.parse("bytes=-0", 100)).isSameAs(ByteRange.UNSATISFIABLE);
        assertThat(ByteRange.parse("bytes=0-", 0)).isSameAs(ByteRange.UNSATISFIABLE);
    }

    @Test
    void malformedOrMultipleRangesAreIgnoredSoTheWholeFileIsSent() {
        for (String header : new String[] {null, "", "bytes=", "bytes=-", "bytes=5-2", "bytes=a-b", "items=0-1",
                "bytes=0-1,3-4", "bytes=1-2-3", "bytes=99999999999999999999-"}) {
            assertThat(ByteRange.parse(header, 100)).as(String.valueOf(header)).isNull();
        }
    }
}
