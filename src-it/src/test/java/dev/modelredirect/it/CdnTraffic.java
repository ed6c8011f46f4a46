package dev.modelredirect.it;

import dev.modelredirect.testing.FakeHub;
import java.util.ArrayList;
import java.util.List;

/** The content requests FakeHub's CDN saw, as byte ranges of the one file it served. */
public final class CdnTraffic {
    /** A half-open byte range {@code [from, to)} one GET asked for. */
    public record Range(long from, long to, String signature) {
        public long length() {
            return to - from;
        }

        public boolean overlaps(long start, long end) {
            return from < end && start < to;
        }
    }

    private CdnTraffic() {
    }

    /** The ranges of every GET the CDN saw, for a file of {@code size} bytes (a GET without Range: the whole file). */
    public static List<Range> gets(FakeHub hub, long size) {
        List<Range> ranges = new ArrayList<>();
        for (FakeHub.Seen seen : hub.requests("GET")) {
            if (!seen.server().equals("cdn")) {
                continue;
            }
            String signature = signatureOf(seen.path());
            String header = seen.header("Range");
            if (header == null) {
                ranges.add(new Range(0, size, signature));
                continue;
            }
            if (!header.startsWith("bytes=") || header.contains(",")) {
                throw new AssertionError("unexpected Range header " + header);
            }
            String spec = header.substring("bytes=".length());
            int dash = spec.indexOf('-');
            long from = Long.parseLong(spec.substring(0, dash));
            long to = dash == spec.length() - 1 ? size : Math.min(size, Long.parseLong(spec.substring(dash + 1)) + 1);
            ranges.add(new Range(from, to, signature));
        }
        return ranges;
    }

    /** The bytes the CDN was asked for in all. */
    public static long bytesRequested(FakeHub hub, long size) {
        return gets(hub, size).stream().mapToLong(Range::length).sum();
    }

    private static String signatureOf(String path) {
        int at = path.indexOf("sig=");
        if (at < 0) {
            return null;
        }
        int end = path.indexOf('&', at);
        return path.substring(at + 4, end < 0 ? path.length() : end);
    }
}
