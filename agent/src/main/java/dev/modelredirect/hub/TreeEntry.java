package dev.modelredirect.hub;

/**
 * One file of a repository at a commit, from the tree API.
 *
 * @param path    path in the repository, {@code /}-separated, already checked to be safe
 * @param size    bytes
 * @param gitOid  the git blob sha1
 * @param lfsOid  the sha256 of an LFS file, or null
 */
public record TreeEntry(String path, long size, String gitOid, String lfsOid) {
    /** The blob name in the cache: the LFS sha256 when there is one, else the git sha1 (the etag the Hub sends). */
    public String etag() {
        return lfsOid != null ? lfsOid : gitOid;
    }
}
