package dev.modelredirect.store;

import dev.modelredirect.files.FileTrees;

import dev.modelredirect.fetch.ExpectedDigest;
import dev.modelredirect.fetch.Hashing;
import dev.modelredirect.fetch.ProgressListener;
import dev.modelredirect.json.JsonValues;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Re-hashes every file of a store against its records: each Hub blob against its name (sha256 for LFS files, the git
 * blob sha1 for small ones), each pinned file against the lock file, each URL file against its {@code .meta.json};
 * finds broken snapshot links and abandoned temporary files. Hashes stream in constant memory, each file once.
 * {@link #repair} deletes what is bad, so the next resolution downloads it again; it never touches a read-only store.
 */
public final class StoreVerifier {
    /** What is wrong with one thing. */
    public enum Kind {
        /** Bytes that differ from their record. */
        BAD,
        /** A snapshot link whose blob is gone. */
        BROKEN,
        /** A temporary file no process will finish. */
        LEFTOVER,
        /** A pinned file that is not in the store: not an error; {@code pull} fetches it. */
        MISSING
    }

    /**
     * One finding.
     *
     * @param kind    what is wrong
     * @param source  the source (or {@code hf://ORG/NAME} for a blob no pin names; the store-relative path for a
     *                leftover)
     * @param path    the file within the source (repository path, {@code blobs/NAME}, or store-relative path)
     * @param detail  what differs, e.g. {@code sha256 is X, expected Y (models.lock)}
     * @param remove  what {@code --repair} deletes for it (empty for {@link Kind#MISSING})
     */
    public record Finding(Kind kind, String source, String path, String detail, List<Path> remove) {
        /** Whether it makes {@code verify} fail. */
        public boolean isProblem() {
            return kind != Kind.MISSING;
        }

        /** The report line: {@code BAD  <source> <path>: <detail>}. */
        public String line() {
            return String.format("%-8s %s %s: %s", kind, source, path, detail);
        }
    }

    /**
     * The result of a verification.
     *
     * @param findings    in the order found
     * @param filesHashed distinct files hashed
     * @param bytesHashed their bytes
     */
    public record Report(List<Finding> findings, int filesHashed, long bytesHashed) {
        /** How many findings make it fail. */
        public long problems() {
            return findings.stream().filter(Finding::isProblem).count();
        }
    }

    private static final String PROGRESS_LABEL = "verify";

    private final StoreInventory inventory;
    private final ProgressListener progress;
    private final Map<Path, Hashing.Digests> digests = new HashMap<>();
    private long totalBytes;
    private long doneBytes;

    public StoreVerifier(StoreInventory inventory, ProgressListener progress) {
        this.inventory = inventory;
        this.progress = progress;
    }

    /** Checks the whole store; never writes. */
    public Report verify() throws IOException {
        List<StoreInventory.HubRepo> repos = inventory.hubRepos();
        List<Path> urlFiles = inventory.urlFiles();
        totalBytes = repos.stream().flatMap(r -> r.blobs().values().stream()).mapToLong(Long::longValue).sum();
        for (Path file : urlFiles) {
            totalBytes += Files.size(file);
        }
        List<Finding> findings = new ArrayList<>();
        Map<String, Pin> pins = inventory.pins();
        try {
            for (StoreInventory.HubRepo repo : repos) {
                verifyRepo(repo, pins, findings);
            }
            verifyUrls(urlFiles, pins, findings);
        } finally {
            progress.finished(PROGRESS_LABEL, true);
        }
        for (StoreInventory.Leftover leftover : inventory.leftovers()) {
            if (leftover.abandoned()) {
                findings.add(new Finding(Kind.LEFTOVER, "-", relative(leftover.path()), (Files.isDirectory(leftover.path(),
                        LinkOption.NOFOLLOW_LINKS) ? "the staging folder (" : "a temporary file (")
                        + dev.modelredirect.log.Sizes.human(leftover.bytes()) + ") of an interrupted download, "
                        + "write or import; `gc` removes it", List.of(leftover.path())));
            }
        }
        long bytes = digests.keySet().stream().mapToLong(p -> digests.get(p).size()).sum();
        return new Report(findings, digests.size(), bytes);
    }

    private void verifyRepo(StoreInventory.HubRepo repo, Map<String, Pin> pins, List<Finding> findings)
            throws IOException {
        List<StoreInventory.SnapshotFile> files = inventory.snapshotFiles(repo);
        Map<String, List<Path>> linksTo = new HashMap<>();
        Map<String, StoreInventory.SnapshotFile> byCommitAndPath = new HashMap<>();
        for (StoreInventory.SnapshotFile file : files) {
            if (file.blob() != null) {
                linksTo.computeIfAbsent(file.blob(), b -> new ArrayList<>()).add(file.file());
            }
            byCommitAndPath.put(file.commit() + "/" + file.path(), file);
        }
        Set<String> badBlobs = new HashSet<>();
        for (Map.Entry<String, Pin> entry : pins.entrySet()) {
            if (!(entry.getValue() instanceof Pin.Hub pin) || !repo.repo().equals(StoreInventory.repoOf(pin))) {
                continue;
            }
            for (PinnedFile pinned : pin.files()) {
                StoreInventory.SnapshotFile file = byCommitAndPath.get(pin.commit() + "/" + pinned.path());
                if (file == null || file.broken()) {
                    if (file == null) {
                        findings.add(new Finding(Kind.MISSING, entry.getKey(), pinned.path(), "not in the store; "
                                + "`pull " + entry.getKey() + "` fetches it", List.of()));
                    }
                    continue;
                }
                Path bytes = file.blob() != null ? repo.dir().resolve("blobs").resolve(file.blob()) : file.file();
                Hashing.Digests actual = digest(bytes);
                String mismatch = mismatch(actual, pinned.size(), pinned.sha256(), "models.lock");
                if (mismatch != null) {
                    List<Path> remove = new ArrayList<>();
                    if (file.blob() != null) {
                        badBlobs.add(file.blob());
                        remove.add(bytes);
                        remove.addAll(linksTo.getOrDefault(file.blob(), List.of()));
                    } else {
                        remove.add(file.file());
                    }
                    findings.add(new Finding(Kind.BAD, entry.getKey(), pinned.path(), mismatch, remove));
                }
            }
        }
        for (String blob : repo.blobs().keySet()) {
            if (badBlobs.contains(blob)) {
                continue;
            }
            Path file = repo.dir().resolve("blobs").resolve(blob);
            Hashing.Digests actual = digest(file);
            String detail = null;
            if (ExpectedDigest.isHex(blob, 64) && !blob.equals(actual.sha256())) {
                detail = "sha256 is " + actual.sha256() + ", expected " + blob + " (the blob's name)";
            } else if (ExpectedDigest.isHex(blob, 40) && !blob.equals(actual.gitSha1())) {
                detail = "git blob sha1 is " + actual.gitSha1() + ", expected " + blob + " (the blob's name)";
            }
            if (detail != null) {
                List<Path> remove = new ArrayList<>(List.of(file));
                remove.addAll(linksTo.getOrDefault(blob, List.of()));
                findings.add(new Finding(Kind.BAD, repo.label(), "blobs/" + blob, detail, remove));
            }
        }
        for (StoreInventory.SnapshotFile file : files) {
            if (file.broken()) {
                String target = Files.readSymbolicLink(file.file()).toString();
                findings.add(new Finding(Kind.BROKEN, repo.label(), "snapshots/" + file.commit() + "/" + file.path(),
                        "a link to " + target + ", which is gone; the next use downloads it again after "
                                + "`verify --repair`", List.of(file.file())));
            }
        }
    }

    private void verifyUrls(List<Path> urlFiles, Map<String, Pin> pins, List<Finding> findings) throws IOException {
        Map<Path, String> pinnedBy = new HashMap<>();
        Set<Path> reported = new LinkedHashSet<>();
        Path root = inventory.root();
        for (Map.Entry<String, Pin> entry : pins.entrySet()) {
            Pin pin = entry.getValue();
            if (!(pin instanceof Pin.Url) && !(pin instanceof Pin.Djl)) {
                continue;
            }
            for (PinnedFile pinned : pin.files()) {
                Path file = root.resolve(pinned.path()).normalize();
                if (!file.startsWith(root) || !Files.isRegularFile(file)) {
                    findings.add(new Finding(Kind.MISSING, entry.getKey(), pinned.path(), "not in the store; "
                            + "`pull " + entry.getKey() + "` fetches it", List.of()));
                    continue;
                }
                pinnedBy.put(file, entry.getKey());
                String mismatch = mismatch(digest(file), pinned.size(), pinned.sha256(), "models.lock");
                if (mismatch != null && reported.add(file)) {
                    findings.add(new Finding(Kind.BAD, entry.getKey(), pinned.path(), mismatch,
                            List.of(file, UrlLayout.meta(file))));
                }
            }
        }
        for (Path file : urlFiles) {
            if (reported.contains(file)) {
                continue;
            }
            Map<String, Object> meta = inventory.urlMeta(file);
            String sha256 = meta == null ? null : JsonValues.string(meta, "sha256");
            String source = pinnedBy.getOrDefault(file, meta == null || JsonValues.string(meta, "url") == null
                    ? relative(file) : JsonValues.string(meta, "url"));
            String detail;
            if (sha256 == null) {
                detail = "its record " + UrlLayout.meta(file).getFileName() + " is unreadable or has no sha256";
            } else {
                detail = mismatch(digest(file), JsonValues.longValue(meta, "size", -1), sha256,
                        UrlLayout.meta(file).getFileName().toString());
            }
            if (detail != null) {
                findings.add(new Finding(Kind.BAD, source, relative(file), detail,
                        List.of(file, UrlLayout.meta(file))));
            }
        }
    }

    private static String mismatch(Hashing.Digests actual, long size, String sha256, String record) {
        if (!actual.sha256().equals(sha256)) {
            return "sha256 is " + actual.sha256() + ", expected " + sha256 + " (" + record + ")";
        }
        if (size >= 0 && actual.size() != size) {
            return "size is " + actual.size() + ", expected " + size + " (" + record + ")";
        }
        return null;
    }

    /** sha256 and git blob sha1 of a file, hashed once per real file in one streaming pass. */
    private Hashing.Digests digest(Path file) throws IOException {
        Path real = file.toRealPath();
        Hashing.Digests known = digests.get(real);
        if (known != null) {
            return known;
        }
        Hashing hashing = new Hashing(Files.size(real), true);
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(real)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                hashing.update(buffer, 0, n);
                doneBytes += n;
                progress.update(PROGRESS_LABEL, Math.min(doneBytes, totalBytes), totalBytes);
            }
        }
        Hashing.Digests result = hashing.finish();
        digests.put(real, result);
        return result;
    }

    private String relative(Path path) {
        return inventory.root().relativize(path).toString().replace('\\', '/');
    }

    /**
     * Deletes what the findings name (bad blobs and the snapshot links to them, bad URL files and their records,
     * broken links, abandoned temporary files), so the next resolution downloads them again.
     *
     * @return the paths deleted
     * @throws StoreException when the store is read-only (nothing is deleted)
     */
    public List<Path> repair(Report report) throws IOException {
        if (inventory.readOnly()) {
            throw StoreCleanup.readOnly(inventory.root(), "verify --repair");
        }
        List<Path> deleted = new ArrayList<>();
        StoreCleanup guard = new StoreCleanup(inventory.root(), false);
        for (Finding finding : report.findings()) {
            for (Path path : finding.remove()) {
                guard.checkInside(path);
            }
            if (finding.kind() == Kind.LEFTOVER) {
                // the same test as gc, again now: a download or import that started since the report keeps its files
                for (Path path : finding.remove()) {
                    try (NamedLocks.Held held = inventory.claim(path)) {
                        if (held != null) {
                            FileTrees.deleteTree(path);
                            deleted.add(path);
                        }
                    }
                }
                continue;
            }
            for (Path path : finding.remove()) {
                if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                    FileTrees.deleteTree(path);
                    deleted.add(path);
                } else if (Files.deleteIfExists(path)) {
                    deleted.add(path);
                }
            }
        }
        return deleted;
    }
}
