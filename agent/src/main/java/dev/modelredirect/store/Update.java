package dev.modelredirect.store;

/**
 * The outcome of {@code pull --update} for one source: the version it was pinned at and the version it is pinned at
 * now. For a Hub source the versions are commits; for a URL source, the sha256 of the file.
 *
 * @param resolution where the source resolves now
 * @param from       the version before (null when the source was not in the store)
 * @param to         the version now
 * @param fixed      true when the source names a fixed version (a full commit id) that an update never moves
 */
public record Update(Resolution resolution, String from, String to, boolean fixed) {
    /** Whether the pin moved. */
    public boolean changed() {
        return from == null || !from.equals(to);
    }
}
