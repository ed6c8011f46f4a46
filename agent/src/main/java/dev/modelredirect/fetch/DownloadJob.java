package dev.modelredirect.fetch;

import java.nio.file.Path;
import java.util.List;

/**
 * One file to download into a temporary file that may already hold part of it.
 *
 * @param label        what the user sees in progress and errors (source and file)
 * @param location     where the bytes are; asked again when a signed link has expired
 * @param expectedSize the size announced by the server or pinned; -1 when unknown
 * @param validator    a strong ETag or Last-Modified for {@code If-Range}, so a resumed range never mixes two versions;
 *                     null when there is none
 * @param file         the temporary file (same directory as the final name); its existing bytes are resumed
 * @param expected     hashes the complete bytes must have; may be empty
 */
public record DownloadJob(
        String label,
        DownloadLocation location,
        long expectedSize,
        String validator,
        Path file,
        List<ExpectedDigest> expected) {

    public DownloadJob {
        expected = List.copyOf(expected);
    }
}
