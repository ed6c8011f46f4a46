package dev.modelredirect.store;

import dev.modelredirect.files.AtomicFiles;
import dev.modelredirect.files.SafePaths;
import dev.modelredirect.files.UnsafePathException;

import dev.modelredirect.fetch.ExpectedDigest;
import dev.modelredirect.hub.RepoId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where things are in {@code <store>/hub}: the Hugging Face hub cache layout, so that the Hub's own clients share it.
 *
 * <pre>
 * hub/models--ORG--NAME/blobs/ETAG                     file bytes, named by etag (sha256, or git sha1)
 * hub/models--ORG--NAME/refs/REV                       40-hex commit, no newline
 * hub/models--ORG--NAME/snapshots/COMMIT/PATH          relative symlink to ../../blobs/ETAG (one ../ per folder)
 * hub/models--ORG--NAME/.no_exist/COMMIT/PATH          empty: PATH does not exist at COMMIT
 * hub/models--ORG--NAME/trees/COMMIT.json              the file list of COMMIT (huggingface_hub's format)
 * hub/.locks/models--ORG--NAME/ETAG.lock               named lock of one blob's download
 * </pre>
 *
 * <p>Every path from outside passes {@link SafePaths} before it is resolved here.
 */
public final class HubLayout {
    private final Path root;

    public HubLayout(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    public Path repoDir(RepoId repo) {
        return root.resolve(repo.cacheFolder());
    }

    public Path blobsDir(RepoId repo) {
        return repoDir(repo).resolve("blobs");
    }

    public Path blob(RepoId repo, String etag) throws UnsafePathException {
        return SafePaths.resolve(blobsDir(repo), etag, "blob name");
    }

    public Path ref(RepoId repo, String revision) throws UnsafePathException {
        return SafePaths.resolve(repoDir(repo).resolve("refs"), revision, "revision");
    }

    public Path snapshotDir(RepoId repo, String commit) throws UnsafePathException {
        return SafePaths.resolve(repoDir(repo).resolve("snapshots"), commit, "commit");
    }

    public Path snapshotFile(RepoId repo, String commit, String path) throws UnsafePathException {
        return SafePaths.resolve(snapshotDir(repo, commit), path, "file path");
    }

    public Path noExist(RepoId repo, String commit, String path) throws UnsafePathException {
        return SafePaths.resolve(SafePaths.resolve(repoDir(repo).resolve(".no_exist"), commit, "commit"), path,
                "file path");
    }

    public Path tree(RepoId repo, String commit) throws UnsafePathException {
        return SafePaths.resolve(repoDir(repo).resolve("trees"), commit + ".json", "commit");
    }

    public Path lock(RepoId repo, String etag) throws UnsafePathException {
        return SafePaths.resolve(root.resolve(".locks").resolve(repo.cacheFolder()), etag + ".lock", "blob name");
    }

    /** The symlink target from {@code snapshots/COMMIT/PATH} to {@code blobs/ETAG}. */
    public static Path linkTarget(String path, String etag) {
        StringBuilder target = new StringBuilder("../../");
        for (int i = 0; i < path.length(); i++) {
            if (path.charAt(i) == '/') {
                target.append("../");
            }
        }
        return Path.of(target.append("blobs/").append(etag).toString());
    }

    /** The commit {@code refs/REV} names, or null when there is no such ref (or it is not a commit). */
    public String readRef(RepoId repo, String revision) throws UnsafePathException {
        Path ref = ref(repo, revision);
        try {
            if (!Files.isRegularFile(ref)) {
                return null;
            }
            String commit = Files.readString(ref, StandardCharsets.US_ASCII).trim();
            return ExpectedDigest.isHex(commit, 40) ? commit : null;
        } catch (IOException ex) {
            return null;
        }
    }

    /** Whether a revision is itself a full commit id. */
    public static boolean isCommit(String revision) {
        return ExpectedDigest.isHex(revision, 40);
    }
}
