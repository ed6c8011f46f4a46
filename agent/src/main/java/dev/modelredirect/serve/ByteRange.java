package dev.modelredirect.serve;

/**
 * One byte range of a file, {@code [first, last]} inclusive, from a {@code Range} header.
 *
 * <p>{@link #parse} accepts a single range {@code bytes=a-b}, {@code bytes=a-} or {@code bytes=-n}. It answers null
 * when the header is absent, malformed or asks for several ranges (the whole file is then sent, as RFC 9110 allows),
 * and {@link #UNSATISFIABLE} when the range starts at or beyond the end of the file (a 416).
 */
record ByteRange(long first, long last) {
    /** The answer for a range that no byte of the file satisfies. */
    static final ByteRange UNSATISFIABLE = new ByteRange(-1, -1);

    long length() {
        return last - first + 1;
    }

    static ByteRange parse(String header, long size) {
        if (header == null) {
            return null;
        }
        String value = header.trim();
        if (!value.regionMatches(true, 0, "bytes=", 0, 6)) {
            return null;
        }
        String spec = value.substring(6).trim();
        if (spec.indexOf(',') >= 0) {
            return null;
        }
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        String from = spec.substring(0, dash).trim();
        String to = spec.substring(dash + 1).trim();
        if (!digits(from) && !from.isEmpty() || !digits(to) && !to.isEmpty() || from.isEmpty() && to.isEmpty()) {
            return null;
        }
        try {
            if (from.isEmpty()) {
                long suffix = Long.parseLong(to);
                if (suffix == 0 || size == 0) {
                    return UNSATISFIABLE;
                }
                return new ByteRange(Math.max(0, size - suffix), size - 1);
            }
            long first = Long.parseLong(from);
            long last = to.isEmpty() ? Long.MAX_VALUE : Long.parseLong(to);
            if (last < first) {
                return null;
            }
            if (first >= size) {
                return UNSATISFIABLE;
            }
            return new ByteRange(first, Math.min(last, size - 1));
        } catch (NumberFormatException tooLong) {
            return null;
        }
    }

    private static boolean digits(String text) {
        if (text.isEmpty() || text.length() > 19) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
