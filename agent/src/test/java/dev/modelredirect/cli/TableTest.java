package dev.modelredirect.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TableTest {
    @Test
    void columnsArePaddedToTheirWidestCellAndNumbersAlignRight() {
        String text = new Table("NAME", "SIZE", "WHEN").alignRight(1).add("a-long-name", "1 B", "-")
                .add("b", "10.5 KiB", "2026-01-01 10:00").render();
        assertThat(text).isEqualTo(""
                + "NAME             SIZE  WHEN\n"
                + "a-long-name       1 B  -\n"
                + "b            10.5 KiB  2026-01-01 10:00\n");
    }

    @Test
    void aRowOfTheWrongWidthIsRefused() {
        assertThatThrownBy(() -> new Table("A", "B").add("only one")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sizeCountsDataRowsOnly() {
        assertThat(new Table("A").size()).isZero();
        assertThat(new Table("A").add("x").size()).isEqualTo(1);
    }
}
