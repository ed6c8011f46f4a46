package dev.modelredirect.serve;

import dev.modelredirect.fetch.ExpectedDigest;
import dev.modelredirect.files.SafePaths;
import dev.modelredirect.files.UnsafePathException;
import dev.modelredirect.hub.GitObjects;
import dev.modelredirect.hub.RepoId;
import dev.modelredirect.json.Json;
import dev.modelredirect.json.JsonException;
import dev.modelredirect.json.JsonValues;
import dev.modelredirect.log.Log;
import dev.modelredirect.store.HubLayout;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * A read-only view of {@code <store>/hub} as the Hub would describe it: which commit a revision names, and each file's
 * size, blob name (the Hub's etag), LFS hash and git object id.
 *
 * <p>Never writes and never connects. Every name from a request passes {@link SafePaths} before it touches the disk,
 * and a file is only ever answered by its real path (symlinks followed), which must lie inside the repository's own
 * folder under the real {@code <store>/hub}; a snapshot entry leading anywhere else is refused and logged. Thread-safe.
 */
final class StoreView {
    /** A revision resolved to a commit of a repository. */
    record Commit(RepoId repo, String revision, String commit) {
    }

    /**
     * A file of a snapshot.
     *
     * @param path      path in the repository
     * @param size      bytes
     * @param etag      the blob name: the sha256 for an LFS file, else the git blob id
     * @param lfsSha256 the sha256 of an LFS file, or null for a small (git) file
     * @param gitOid    the git blob id: of the file itself, or of its LFS pointer text
     * @param realPath  where the bytes are, inside the store
     */
    record FileInfo(String path, long size, String etag, String lfsSha256, String gitOid, Path realPath) {
        boolean lfs() {
            return lfsSha256 != null;
        }

        int pointerSize() {
            return GitObjects.lfsPointer(lfsSha256, size).length();
        }
    }

    private record TreeMeta(String blobId, String lfsSha256) {
    }

    private record CachedTree(FileTime modified, Map<String, TreeMeta> files) {
    }

    private record HashKey(Path path, long size, FileTime modified) {
    }

    private final HubLayout layout;
    private final Map<Path, CachedTree> trees = new ConcurrentHashMap<>();
    private final Map<HashKey, String> hashed = new ConcurrentHashMap<>();
    private final java.util.Set<String> refused = ConcurrentHashMap.newKeySet();

    StoreView(Path storeRoot) {
        this.layout = new HubLayout(storeRoot.toAbsolutePath().normalize().resolve("hub"));
    }

    HubLayout layout() {
        return layout;
    }

    /** The commit {@code revision} names: a 40-hex commit the store has, or what {@code refs/REVISION} says. */
    Commit commit(RepoId repo, String revision) throws ServeError {
        Path repoDir = layout.repoDir(repo);
        if (!Files.isDirectory(repoDir)) {
            throw ServeError.repoNotFound(repo.toString());
        }
        try {
            if (HubLayout.isCommit(revision)) {
                String commit = revision.toLowerCase(java.util.Locale.ROOT);
                if (Files.isDirectory(layout.snapshotDir(repo, commit))
                        || Files.isDirectory(layout.noExist(repo, commit, "x").getParent())) {
                    return new Commit(repo, revision, commit);
                }
                throw ServeError.revisionNotFound(repo.toString(), revision);
            }
            String commit = layout.readRef(repo, revision);
            if (commit == null && revision.equals("HEAD")) {
                commit = layout.readRef(repo, "main");
            }
            if (commit == null) {
                throw ServeError.revisionNotFound(repo.toString(), revision);
            }
            return new Commit(repo, revision, commit);
        } catch (UnsafePathException ex) {
            throw ServeError.badRequest(ex.getMessage());
        }
    }

    /** One file of a snapshot; {@code EntryNotFound} when the store does not have it. */
    FileInfo file(Commit commit, String path) throws ServeError {
        String problem = SafePaths.problem(path);
        if (problem != null) {
            throw ServeError.badRequest("refused file path: " + problem);
        }
        try {
            RepoId repo = commit.repo();
            if (Files.exists(layout.noExist(repo, commit.commit(), path), LinkOption.NOFOLLOW_LINKS)) {
                throw ServeError.entryNotFound(path, commit.revision(), commit.commit()).known();
            }
            FileInfo info = file(commit, path, layout.snapshotFile(repo, commit.commit(), path), realRepo(repo),
                    treeMeta(repo, commit.commit()));
            if (info == null) {
                throw ServeError.entryNotFound(path, commit.revision(), commit.commit());
            }
            return info;
        } catch (UnsafePathException ex) {
            throw ServeError.badRequest(ex.getMessage());
        }
    }

    /** Every file the store has for a commit, sorted by path; entries it may not serve are left out. */
    List<FileInfo> files(Commit commit) throws ServeError {
        try {
            Path dir = layout.snapshotDir(commit.repo(), commit.commit());
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                return List.of();
            }
            Path realRepo = realRepo(commit.repo());
            Map<String, TreeMeta> meta = treeMeta(commit.repo(), commit.commit());
            List<FileInfo> files = new ArrayList<>();
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path each : (Iterable<Path>) walk::iterator) {
                    if (Files.isDirectory(each, LinkOption.NOFOLLOW_LINKS)) {
                        continue;
                    }
                    String path = dir.relativize(each).toString().replace('\\', '/');
                    if (!SafePaths.isSafe(path)) {
                        continue;
                    }
                    FileInfo info = file(commit, path, each, realRepo, meta);
                    if (info != null) {
                        files.add(info);
                    }
                }
            }
            files.sort(Comparator.comparing(FileInfo::path));
            return files;
        } catch (UnsafePathException ex) {
            throw ServeError.badRequest(ex.getMessage());
        } catch (IOException | java.io.UncheckedIOException ex) {
            throw new ServeError(500, null, "cannot list the snapshot " + commit.commit() + " of " + commit.repo()
                    + ": " + ex.getMessage(), null);
        }
    }

    /**
     * Whether the store holds the whole snapshot: a file list ({@code trees/COMMIT.json}) is recorded and each of its
     * files is present. Without a file list the store cannot know, and answers false.
     */
    boolean complete(Commit commit) {
        try {
            Path tree = layout.tree(commit.repo(), commit.commit());
            if (!Files.isRegularFile(tree)) {
                return false;
            }
            Map<String, TreeMeta> meta = treeMeta(commit.repo(), commit.commit());
            if (meta == null) {
                return false;
            }
            for (String path : meta.keySet()) {
                if (!Files.isRegularFile(layout.snapshotFile(commit.repo(), commit.commit(), path))) {
                    return false;
                }
            }
            return true;
        } catch (UnsafePathException ex) {
            return false;
        }
    }

    /** When the snapshot folder last changed (the closest thing to a commit date the store has). */
    Instant modified(Commit commit) {
        try {
            Path dir = layout.snapshotDir(commit.repo(), commit.commit());
            return Files.getLastModifiedTime(Files.exists(dir) ? dir : layout.repoDir(commit.repo())).toInstant();
        } catch (IOException ex) {
            return Instant.EPOCH;
        }
    }

    // ---------------------------------------------------------------- one file

    private Path realRepo(RepoId repo) throws ServeError {
        try {
            Path realHub = layout.root().toRealPath();
            Path real = layout.repoDir(repo).toRealPath();
            if (!real.startsWith(realHub)) {
                Log.warn("serve: refused %s: its folder leads outside the store's hub folder %s", repo, realHub);
                throw ServeError.repoNotFound(repo.toString());
            }
            return real;
        } catch (IOException ex) {
            throw ServeError.repoNotFound(repo.toString());
        }
    }

    /** The file at snapshot entry {@code link}, or null when it is absent or not servable. */
    private FileInfo file(Commit commit, String path, Path link, Path realRepo, Map<String, TreeMeta> meta)
            throws ServeError {
        Path real;
        try {
            real = link.toRealPath();
        } catch (IOException absentOrDangling) {
            return null;
        }
        if (!real.startsWith(realRepo)) {
            if (refused.size() < 10_000 && refused.add(link.toString())) {
                Log.warn("serve: refused %s/%s at %s: it leads to %s, outside the repository's folder %s",
                        commit.repo(), path, commit.commit(), real, realRepo);
            }
            return null;
        }
        try {
            if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
                return null;
            }
            long size = Files.size(real);
            String blob = null;
            if (real.getParent().equals(realRepo.resolve("blobs"))) {
                String name = real.getFileName().toString();
                if (ExpectedDigest.isHex(name, 64) || ExpectedDigest.isHex(name, 40)) {
                    blob = name;
                }
            }
            TreeMeta recorded = meta == null ? null : meta.get(path);
            String lfs;
            String gitOid;
            if (blob != null) {
                lfs = blob.length() == 64 ? blob : null;
                gitOid = lfs == null ? blob
                        : recorded != null && recorded.blobId() != null ? recorded.blobId()
                        : GitObjects.blobId(GitObjects.lfsPointer(lfs, size).getBytes(StandardCharsets.US_ASCII));
            } else if (recorded != null && (recorded.lfsSha256() != null || recorded.blobId() != null)) {
                lfs = recorded.lfsSha256();
                gitOid = recorded.blobId() != null ? recorded.blobId()
                        : GitObjects.blobId(GitObjects.lfsPointer(lfs, size).getBytes(StandardCharsets.US_ASCII));
            } else {
                lfs = null;
                gitOid = gitBlobIdOf(real, size);
            }
            String etag = lfs != null ? lfs : gitOid;
            return new FileInfo(path, size, etag, lfs, gitOid, real);
        } catch (IOException ex) {
            return null;
        }
    }

    /** The git blob id of a file that is not named by its hash (a copy, or a hard link), hashed once and cached. */
    private String gitBlobIdOf(Path real, long size) throws IOException {
        HashKey key = new HashKey(real, size, Files.getLastModifiedTime(real));
        String known = hashed.get(key);
        if (known != null) {
            return known;
        }
        MessageDigest sha1 = GitObjects.sha1();
        sha1.update(("blob " + size + "\0").getBytes(StandardCharsets.US_ASCII));
        byte[] buffer = new byte[64 << 10];
        try (InputStream in = Files.newInputStream(real)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha1.update(buffer, 0, n);
            }
        }
        String oid = java.util.HexFormat.of().formatHex(sha1.digest());
        if (hashed.size() > 10_000) {
            hashed.clear();
        }
        hashed.put(key, oid);
        return oid;
    }

    // ---------------------------------------------------------------- recorded file lists

    /** The recorded file list of a commit (huggingface_hub's {@code trees/COMMIT.json}), or null. */
    private Map<String, TreeMeta> treeMeta(RepoId repo, String commit) throws UnsafePathException {
        Path file = layout.tree(repo, commit);
        FileTime modified;
        try {
            modified = Files.getLastModifiedTime(file);
        } catch (IOException absent) {
            return null;
        }
        CachedTree cached = trees.get(file);
        if (cached != null && cached.modified().equals(modified)) {
            return cached.files();
        }
        Map<String, TreeMeta> files = readTree(file);
        if (files != null) {
            trees.put(file, new CachedTree(modified, files));
        }
        return files;
    }

    private static Map<String, TreeMeta> readTree(Path file) {
        try {
            Map<String, Object> root = Json.parseObject(Files.readString(file, StandardCharsets.UTF_8));
            Map<String, Object> files = JsonValues.object(root, "files");
            if (files == null) {
                return null;
            }
            Map<String, TreeMeta> result = new HashMap<>();
            for (Map.Entry<String, Object> entry : files.entrySet()) {
                if (!SafePaths.isSafe(entry.getKey())) {
                    return null;
                }
                Map<String, Object> info = JsonValues.asObject(entry.getValue(), "a tree file");
                String blobId = JsonValues.string(info, "blob_id");
                String lfs = JsonValues.string(info, "lfs_sha256");
                result.put(entry.getKey(), new TreeMeta(blobId != null && ExpectedDigest.isHex(blobId, 40) ? blobId
                        : null, lfs != null && ExpectedDigest.isHex(lfs, 64) ? lfs : null));
            }
            return result;
        } catch (IOException | JsonException | IllegalArgumentException ex) {
            return null;
        }
    }
}
