package dev.modelredirect.store;

/**
 * One file of a pinned source.
 *
 * @param path   for a Hub source, the path in the repository; for a URL source, the path under the store root
 * @param size   bytes
 * @param sha256 lower-case hex SHA-256 of the bytes
 * @param blob   for a Hub source, the blob name (its etag); null for a URL source
 */
public record PinnedFile(String path, long size, String sha256, String blob) {
}
