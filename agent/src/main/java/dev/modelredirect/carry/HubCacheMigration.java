package dev.modelredirect.carry;

import dev.modelredirect.fetch.ExpectedDigest;
import dev.modelredirect.fetch.Hashing;
import dev.modelredirect.files.AtomicFiles;
import dev.modelredirect.files.SafePaths;
import dev.modelredirect.hub.RepoId;
import dev.modelredirect.store.HubLayout;
import dev.modelredirect.store.LockFile;
import dev.modelredirect.store.NamedLocks;
import dev.modelredirect.store.Pin;
import dev.modelredirect.store.PinnedFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Brings a Hugging Face hub cache ({@code models--ORG--NAME/{blobs,refs,snapshots}}, as the Python and JavaScript
 * clients write it) into the store's {@code hub/} folder. Each blob is verified against its name before it is linked;
 * snapshot links and refs are recreated as the store makes them, and each ref whose snapshot came over is pinned as
 * {@code hf://ORG/NAME@REF} with the files of its snapshot (the store's own rule for a snapshot written by another
 * client). The source cache is only read.
 */
final class HubCacheMigration {
    private final Path cache;
    private final HubLayout layout;
    private final LockFile lockFile;
    private final FileLinker linker;
    private final MigrationReport report;
    private final List<NamedLocks.Held> blobLocks = new ArrayList<>();
    private final java.util.Set<Path> heldBlobs = new java.util.HashSet<>();

    /** One blob available in the store after the blob pass: its size and sha256. */
    private record Blob(long size, String sha256) {
    }

    HubCacheMigration(Path cache, HubLayout layout, LockFile lockFile, FileLinker linker, MigrationReport report) {
        this.cache = cache;
        this.layout = layout;
        this.lockFile = lockFile;
        this.linker = linker;
        this.report = report;
    }

    /** Whether {@code dir} holds Hub repository folders. */
    static boolean isHubCache(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> children = Files.list(dir)) {
            return children.anyMatch(child -> Files.isDirectory(child) && RepoId.isCacheFolderName(name(child)));
        }
    }

    void run() throws IOException {
        for (Path child : sorted(cache)) {
            String name = name(child);
            if (name.equals(".locks") || name.equals("version.txt")) {
                continue;
            }
            if (!RepoId.isCacheFolderName(name) || !Files.isDirectory(child)) {
                report.skipped(label(child), "not a repository folder of the Hub cache layout (models--ORG--NAME)");
                continue;
            }
            RepoId repo;
            try {
                repo = RepoId.fromCacheFolder(name);
            } catch (IllegalArgumentException ex) {
                report.skipped(label(child), ex.getMessage());
                continue;
            }
            migrateRepo(child, repo);
        }
    }

    /**
     * Brings one repository over. Each blob's named lock is held from placing it until its snapshot links exist, so a
     * gc or rm running meanwhile keeps it (a hard link keeps the source's old mtime, which must stay untouched, so the
     * age test alone would not).
     */
    private void migrateRepo(Path dir, RepoId repo) throws IOException {
        Map<String, List<PinnedFile>> snapshots = new TreeMap<>();
        try {
            Map<String, Blob> blobs = migrateBlobs(dir, repo);
            Path snapshotsDir = dir.resolve("snapshots");
            for (Path snapshot : sorted(snapshotsDir)) {
                String commit = name(snapshot);
                if (!HubLayout.isCommit(commit) || !Files.isDirectory(snapshot)) {
                    report.skipped(label(snapshot), "not a snapshot folder named by a 40-hex commit id");
                    continue;
                }
                List<PinnedFile> files = migrateSnapshot(snapshot, repo, commit, blobs);
                if (files != null) {
                    snapshots.put(commit, files);
                }
            }
        } finally {
            releaseBlobLocks();
        }
        Path refsDir = dir.resolve("refs");
        if (!Files.isDirectory(refsDir)) {
            return;
        }
        List<Path> refs;
        try (Stream<Path> walk = Files.walk(refsDir)) {
            refs = walk.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path ref : refs) {
            migrateRef(ref, refsDir.relativize(ref).toString().replace('\\', '/'), repo, snapshots);
        }
    }

    private Map<String, Blob> migrateBlobs(Path dir, RepoId repo) throws IOException {
        Map<String, Blob> blobs = new HashMap<>();
        for (Path file : sorted(dir.resolve("blobs"))) {
            String name = name(file);
            if (!Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                report.skipped(label(file), "not a regular file");
                continue;
            }
            if (name.endsWith(".incomplete")) {
                report.skipped(label(file), "an unfinished download");
                continue;
            }
            Hashing.Digests digests = Hashing.digestsOf(file);
            String problem = Digests.blobProblem(name, digests);
            if (problem != null) {
                report.skipped(label(file), problem + "; not imported");
                continue;
            }
            Path target = layout.blob(repo, name);
            lockBlob(repo, name);
            if (Files.exists(target)) {
                if (Files.size(target) != digests.size()) {
                    report.skipped(label(file), "the store has a blob of that name with another size ("
                            + target + "); run `verify` on the store");
                    continue;
                }
                report.alreadyPresent();
            } else {
                FileLinker.How how = linker.place(file, target);
                report.imported(label(file), layout.root().getParent().relativize(target).toString(),
                        digests.size(), how);
            }
            blobs.put(name, new Blob(digests.size(), digests.sha256()));
        }
        return blobs;
    }

    /** Takes the named lock of a blob about to be placed or linked (not on a dry run), held until the repo is done. */
    private void lockBlob(RepoId repo, String blob) throws IOException {
        Path lock = layout.lock(repo, blob);
        if (!linker.dryRun() && heldBlobs.add(lock)) {
            blobLocks.add(NamedLocks.acquire(lock, "blob " + blob));
        }
    }

    private void releaseBlobLocks() {
        for (NamedLocks.Held held : blobLocks) {
            held.close();
        }
        blobLocks.clear();
        heldBlobs.clear();
    }

    /** The files of one snapshot as pins; null when one of them could not be brought over. */
    private List<PinnedFile> migrateSnapshot(Path snapshot, RepoId repo, String commit, Map<String, Blob> blobs)
            throws IOException {
        List<Path> entries;
        try (Stream<Path> walk = Files.walk(snapshot)) {
            entries = walk.filter(p -> !Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).sorted()
                    .toList();
        }
        List<PinnedFile> files = new ArrayList<>();
        boolean complete = !entries.isEmpty();
        for (Path entry : entries) {
            String path = snapshot.relativize(entry).toString().replace('\\', '/');
            if (!SafePaths.isSafe(path)) {
                report.skipped(label(entry), "its name is not a plain relative path");
                complete = false;
                continue;
            }
            String blob;
            if (Files.isSymbolicLink(entry)) {
                Path target = entry.getParent().resolve(Files.readSymbolicLink(entry)).normalize();
                Path blobsDir = snapshot.getParent().getParent().resolve("blobs").normalize();
                if (!blobsDir.equals(target.getParent())) {
                    report.skipped(label(entry), "a link that does not point into the repository's blobs folder");
                    complete = false;
                    continue;
                }
                blob = name(target);
                if (!blobs.containsKey(blob)) {
                    report.skipped(label(entry), "it points to the blob " + blob + ", which was not imported");
                    complete = false;
                    continue;
                }
            } else if (Files.isRegularFile(entry)) {
                Hashing.Digests digests = Hashing.digestsOf(entry);
                blob = digests.sha256();
                Path target = layout.blob(repo, blob);
                lockBlob(repo, blob);
                if (!Files.exists(target)) {
                    FileLinker.How how = linker.place(entry, target);
                    report.imported(label(entry), layout.root().getParent().relativize(target).toString(),
                            digests.size(), how);
                } else {
                    report.alreadyPresent();
                }
                blobs.put(blob, new Blob(digests.size(), digests.sha256()));
            } else {
                report.skipped(label(entry), "not a file or a link to a blob");
                complete = false;
                continue;
            }
            Path link = layout.snapshotFile(repo, commit, path);
            if (!linker.dryRun() && !Files.isRegularFile(link)) {
                AtomicFiles.link(link, HubLayout.linkTarget(path, blob), layout.blob(repo, blob));
            }
            Blob known = blobs.get(blob);
            files.add(new PinnedFile(path, known.size(), known.sha256(), blob));
        }
        return complete ? files : null;
    }

    private void migrateRef(Path refFile, String revision, RepoId repo, Map<String, List<PinnedFile>> snapshots)
            throws IOException {
        String commit = Files.readString(refFile, StandardCharsets.US_ASCII).trim();
        if (!ExpectedDigest.isHex(commit, 40)) {
            report.skipped(label(refFile), "it does not hold a 40-hex commit id");
            return;
        }
        List<PinnedFile> files = snapshots.get(commit);
        if (files == null) {
            report.skipped(label(refFile), "its snapshot " + commit + " was not imported whole, so the ref is left "
                    + "out (the store asks the Hub for it when it is used)");
            return;
        }
        String current = layout.readRef(repo, revision);
        if (current != null && !current.equals(commit)) {
            report.skipped(label(refFile), "the store's ref " + revision + " points to " + current + "; kept "
                    + "(`pull --update` moves it)");
            return;
        }
        if (current == null && !linker.dryRun()) {
            AtomicFiles.write(layout.ref(repo, revision), commit.getBytes(StandardCharsets.US_ASCII));
        }
        String source = "hf://" + repo + "@" + revision.replace("/", "%2F");
        Pin pin = new Pin.Hub(repo.type(), repo.id(), revision, commit, files);
        Pin pinned = lockFile.get(source);
        if (pinned != null && !pinned.equals(pin)) {
            report.skipped(source, "the lock file pins it differently already; that pin is kept");
            return;
        }
        if (pinned == null) {
            if (!linker.dryRun() && !lockFile.put(source, pin)) {
                report.skipped(source, "not pinned: the lock file " + lockFile.path() + " is read-only");
                return;
            }
            report.pinned(source);
        }
    }

    private String label(Path path) {
        return cache.relativize(path).toString();
    }

    private static String name(Path path) {
        return path.getFileName().toString();
    }

    static List<Path> sorted(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(dir)) {
            return children.sorted().toList();
        }
    }
}
