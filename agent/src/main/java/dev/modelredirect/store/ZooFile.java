package dev.modelredirect.store;

/**
 * One file of the DJL model repository that DJL (or {@code pull}) asks the store for.
 *
 * @param source         the lock-file source: {@code djl://GROUP/ARTIFACT}, or {@code djl://GROUP} for an index
 * @param group          the group id
 * @param artifact       the artifact id, or null for an index
 * @param application    the application path, or null when unknown
 * @param version        the artifact version the file belongs to, or null
 * @param repositoryPath the path in the repository, {@code model/...}
 * @param sha1           DJL's sha1 of the bytes from the metadata, or null
 * @param size           the size from the metadata, or -1
 * @param optional       a file DJL can do without (an index: DJL falls back to the copy in its jar): a miss that
 *                       may not download, or a 404, answers null instead of failing
 */
public record ZooFile(String source, String group, String artifact, String application, String version,
        String repositoryPath, String sha1, long size, boolean optional) {
}
