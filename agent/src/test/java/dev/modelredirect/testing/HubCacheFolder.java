package dev.modelredirect.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a Hugging Face hub cache by hand, as the Python client lays it out: {@code blobs/ETAG} (sha256 for LFS
 * files, git blob sha1 for the others), {@code snapshots/COMMIT/PATH} relative symlinks, {@code refs/REV}.
 */
public final class HubCacheFolder {
    private final Path repo;

    private HubCacheFolder(Path repo) {
        this.repo = repo;
    }

    /** The repository folder {@code models--ORG--NAME} under {@code cache}. */
    public static HubCacheFolder model(Path cache, String org, String name) throws IOException {
        return new HubCacheFolder(Files.createDirectories(cache.resolve("models--" + org + "--" + name)));
    }

    public Path folder() {
        return repo;
    }

    /** A file of {@code commit}: its blob named by sha256 when {@code lfs}, else by git sha1, and its link. */
    public HubCacheFolder file(String commit, String path, Content content, boolean lfs) throws IOException {
        String etag = lfs ? content.sha256() : content.gitSha1();
        Path blob = repo.resolve("blobs").resolve(etag);
        Files.createDirectories(blob.getParent());
        Files.write(blob, content.bytes());
        Path link = repo.resolve("snapshots").resolve(commit).resolve(path);
        Files.createDirectories(link.getParent());
        Files.createSymbolicLink(link, link.getParent().relativize(blob));
        return this;
    }

    public HubCacheFolder ref(String revision, String commit) throws IOException {
        Path ref = repo.resolve("refs").resolve(revision);
        Files.createDirectories(ref.getParent());
        Files.writeString(ref, commit, StandardCharsets.US_ASCII);
        return this;
    }

    /** The blob of a content, as {@link #file} named it. */
    public Path blob(Content content, boolean lfs) {
        return repo.resolve("blobs").resolve(lfs ? content.sha256() : content.gitSha1());
    }
}
