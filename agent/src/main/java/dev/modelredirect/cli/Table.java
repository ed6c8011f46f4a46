package dev.modelredirect.cli;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** A text table for a terminal: a header row, columns padded to their widest cell, two spaces between columns. */
final class Table {
    private final List<String[]> rows = new ArrayList<>();
    private final Set<Integer> right = new HashSet<>();
    private final int columns;

    Table(String... headers) {
        this.columns = headers.length;
        rows.add(headers);
    }

    /** Aligns these columns (0-based) to the right, as numbers are. */
    Table alignRight(int... columnIndexes) {
        for (int column : columnIndexes) {
            right.add(column);
        }
        return this;
    }

    /** Adds a row; it must have one cell per column. */
    Table add(String... cells) {
        if (cells.length != columns) {
            throw new IllegalArgumentException("a row of " + cells.length + " cells in a table of " + columns);
        }
        rows.add(cells);
        return this;
    }

    /** Rows of data, the header not counted. */
    int size() {
        return rows.size() - 1;
    }

    /** The table, one line per row, each ending with a line break, no trailing spaces. */
    String render() {
        int[] widths = new int[columns];
        for (String[] row : rows) {
            for (int i = 0; i < columns; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder text = new StringBuilder();
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                if (i > 0) {
                    line.append("  ");
                }
                String pad = " ".repeat(widths[i] - row[i].length());
                line.append(right.contains(i) ? pad + row[i] : row[i] + pad);
            }
            text.append(line.toString().stripTrailing()).append('\n');
        }
        return text.toString();
    }
}
