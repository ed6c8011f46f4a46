package dev.modelredirect.store;

import dev.modelredirect.log.Sizes;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The answer for one source: its local path, and whether it was already there.
 *
 * @param source          the source as named
 * @param path            absolute local path: a file, or a folder for a whole snapshot
 * @param storeRoot       the store it is in
 * @param hit             true when nothing was downloaded and no connection opened
 * @param bytesDownloaded bytes transferred for it (0 on a hit)
 * @param nanos           time spent resolving
 */
public record Resolution(String source, Path path, Path storeRoot, boolean hit, long bytesDownloaded, long nanos) {

    /** The path relative to the store root, as messages show it. */
    public String relativePath() {
        return path.startsWith(storeRoot) ? storeRoot.relativize(path).toString() : path.toString();
    }

    /**
     * The SPEC's redirect line without prefix: {@code <source> -> <relative path> (hit)} or {@code (downloaded ...)};
     * a miss that needed no bytes (another process had just downloaded them, or the blobs were shared) says so.
     */
    public String describe() {
        String outcome = hit ? "hit"
                : bytesDownloaded == 0
                        ? String.format(Locale.ROOT, "nothing to download, resolved in %.1fs", nanos / 1e9)
                        : String.format(Locale.ROOT, "downloaded %s in %.1fs", Sizes.human(bytesDownloaded),
                                nanos / 1e9);
        return source + " -> " + relativePath() + " (" + outcome + ")";
    }
}
