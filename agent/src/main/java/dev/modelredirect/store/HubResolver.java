package dev.modelredirect.store;

import dev.modelredirect.files.AtomicFiles;
import dev.modelredirect.files.DiskSpace;
import dev.modelredirect.files.GroupAccess;
import dev.modelredirect.files.SafePaths;

import dev.modelredirect.fetch.DownloadJob;
import dev.modelredirect.fetch.DownloadLocation;
import dev.modelredirect.fetch.ExpectedDigest;
import dev.modelredirect.fetch.FileDownloader;
import dev.modelredirect.fetch.Hashing;
import dev.modelredirect.hub.HubClient;
import dev.modelredirect.hub.HubException;
import dev.modelredirect.hub.HubFile;
import dev.modelredirect.hub.RepoId;
import dev.modelredirect.hub.TreeEntry;
import dev.modelredirect.json.Json;
import dev.modelredirect.json.JsonException;
import dev.modelredirect.json.JsonValues;
import dev.modelredirect.log.Log;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.HttpUrl;

/**
 * Resolves Hub sources in {@code <store>/hub}: a hit from the pin or the refs, without any connection; on a miss the
 * Hub protocol (HEAD, revision and tree APIs) and one verified download per missing blob, then the snapshot links,
 * the ref, the tree file and the pin.
 */
final class HubResolver {
    /** Files of one snapshot downloaded at once. */
    private static final int PARALLEL_FILES = 3;

    private final StoreContext context;
    private final HubLayout layout;

    HubResolver(StoreContext context) {
        this.context = context;
        this.layout = context.hub;
    }

    /** Whether the store answers this source now, without a connection; the local path if so. */
    Path lookup(Source.Hub source) throws IOException {
        Pin pin = context.lockFile.get(source.spelled());
        if (pin instanceof Pin.Hub hubPin && matches(hubPin, source)) {
            List<PinnedFile> wanted = wantedFiles(hubPin, source);
            if (wanted != null && missing(source.repo(), hubPin.commit(), wanted).isEmpty()) {
                return target(source, hubPin.commit());
            }
            return null;
        }
        String commit = localCommit(source);
        if (commit == null) {
            return null;
        }
        if (!source.isSnapshot()) {
            Path file = layout.snapshotFile(source.repo(), commit, source.path());
            return Files.isRegularFile(file) ? file : null;
        }
        List<TreeEntry> tree = readTree(source.repo(), commit);
        if (tree == null) {
            tree = snapshotWrittenByOthers(source.repo(), commit);
        }
        if (tree != null) {
            return missingEntries(source.repo(), commit, filtered(tree, source.effectiveFilter())).isEmpty()
                    ? layout.snapshotDir(source.repo(), commit) : null;
        }
        return null;
    }

    Resolution resolve(Source.Hub source) throws IOException {
        long start = System.nanoTime();
        RepoId repo = source.repo();
        Pin pin = context.lockFile.get(source.spelled());
        if (pin instanceof Pin.Hub hubPin && matches(hubPin, source)) {
            List<PinnedFile> wanted = wantedFiles(hubPin, source);
            if (wanted != null) {
                List<PinnedFile> missing = missing(repo, hubPin.commit(), wanted);
                missing = relinkFromBlobs(repo, hubPin.commit(), missing);
                if (missing.isEmpty()) {
                    return resolution(source, target(source, hubPin.commit()), true, 0, start);
                }
                context.checkCanDownload(source.spelled());
                long bytes = fetchPinned(source, hubPin.commit(), missing);
                return resolution(source, target(source, hubPin.commit()), false, bytes, start);
            }
        }
        String commit = localCommit(source);
        if (commit != null) {
            Path hit = unpinnedHit(source, commit);
            if (hit != null) {
                return resolution(source, hit, true, 0, start);
            }
            if (!source.isSnapshot() && Files.exists(layout.noExist(repo, commit, source.path()))) {
                throw new StoreException(source.spelled() + ": the file '" + source.path() + "' does not exist in "
                        + repo + " at commit " + commit + " (recorded in " + layout.noExist(repo, commit,
                        source.path()) + "); check the file name, or delete that marker to ask the Hub again");
            }
        }
        context.checkCanDownload(source.spelled());
        return source.isSnapshot() ? downloadSnapshot(source, start, null) : downloadFile(source, start, null);
    }

    /**
     * Moves a branch or tag source to the commit the Hub names now; a full commit id stays. Downloads only the
     * files whose blobs the store lacks, then moves the ref and the pin.
     */
    Update update(Source.Hub asked) throws IOException {
        long start = System.nanoTime();
        Pin pin = context.lockFile.get(asked.spelled());
        Source.Hub source = asked.filter() == null && pin instanceof Pin.Hub hubPin && asked.isSnapshot()
                ? asked.withFilter(hubPin.filter()) : asked;
        String old = pin instanceof Pin.Hub hubPin && matches(hubPin, source) ? hubPin.commit() : localCommit(source);
        if (HubLayout.isCommit(source.revision())) {
            return new Update(resolve(source), old, source.revision(), true);
        }
        context.checkCanUpdate(source.spelled());
        String commit;
        try {
            commit = context.hubClient().commitOf(source.repo(), source.revision());
        } catch (HubException ex) {
            throw new StoreException(source.spelled() + ": " + ex.getMessage(), ex);
        }
        if (commit.equals(old)) {
            return new Update(resolve(source), old, commit, false);
        }
        Resolution resolution = source.isSnapshot() ? downloadSnapshot(source, start, commit)
                : downloadFile(source, start, commit);
        return new Update(resolution, old, commit, false);
    }

    private Resolution resolution(Source.Hub source, Path path, boolean hit, long bytes, long start) {
        return new Resolution(source.spelled(), path, context.root, hit, bytes, System.nanoTime() - start);
    }

    /** Whether the pin answers the source: same repository, and the same files when the source names patterns. */
    private static boolean matches(Pin.Hub pin, Source.Hub source) {
        return matchesRepo(pin, source.repo()) && (source.filter() == null || !source.isSnapshot()
                || source.filter().equals(pin.filter()));
    }

    /** The pinned files this source needs; null when the pin does not cover it (then it is resolved anew). */
    private static List<PinnedFile> wantedFiles(Pin.Hub pin, Source.Hub source) {
        if (source.isSnapshot()) {
            return pin.files();
        }
        PinnedFile file = pin.file(source.path());
        return file == null ? null : List.of(file);
    }

    private Path target(Source.Hub source, String commit) throws IOException {
        return source.isSnapshot() ? layout.snapshotDir(source.repo(), commit)
                : layout.snapshotFile(source.repo(), commit, source.path());
    }

    /** The commit the revision means without asking anyone: itself, or what {@code refs/REV} says. */
    private String localCommit(Source.Hub source) throws IOException {
        return HubLayout.isCommit(source.revision()) ? source.revision()
                : layout.readRef(source.repo(), source.revision());
    }

    private List<PinnedFile> missing(RepoId repo, String commit, List<PinnedFile> files) throws IOException {
        List<PinnedFile> missing = new ArrayList<>();
        for (PinnedFile file : files) {
            Path path = layout.snapshotFile(repo, commit, file.path());
            if (!sizeMatches(path, file.size())) {
                missing.add(file);
            }
        }
        return missing;
    }

    private static boolean sizeMatches(Path path, long size) {
        try {
            return Files.isRegularFile(path) && (size < 0 || Files.size(path) == size);
        } catch (IOException ex) {
            return false;
        }
    }

    /** Pinned files whose blob is present but whose snapshot link is not: linked again, no download. */
    private List<PinnedFile> relinkFromBlobs(RepoId repo, String commit, List<PinnedFile> missing)
            throws IOException {
        if (missing.isEmpty() || context.readOnly()) {
            return missing;
        }
        List<PinnedFile> still = new ArrayList<>();
        for (PinnedFile file : missing) {
            if (file.blob() == null || !linkPresentBlob(repo, commit, file.path(), file.blob(), file.size())) {
                still.add(file);
            }
        }
        return still;
    }

    /** A hit for an unpinned source through its ref; pins it on the way. Null when something is missing. */
    private Path unpinnedHit(Source.Hub source, String commit) throws IOException {
        RepoId repo = source.repo();
        if (!source.isSnapshot()) {
            Path file = layout.snapshotFile(repo, commit, source.path());
            if (!Files.isRegularFile(file)) {
                return null;
            }
            if (!context.readOnly()) {
                String etag = blobNameOf(file);
                context.pin(source.spelled(), new Pin.Hub(repo.type(), repo.id(), source.revision(), commit,
                        List.of(new PinnedFile(source.path(), Files.size(file), sha256Of(file, etag), etag))));
            }
            return file;
        }
        List<TreeEntry> tree = readTree(repo, commit);
        if (tree == null) {
            tree = snapshotWrittenByOthers(repo, commit);
            if (tree == null) {
                return null;
            }
            Log.debug("%s: no file list for commit %s; the snapshot folder was written by another Hub client and is "
                    + "used as it is, as the Hub's clients do", source.spelled(), commit);
        }
        tree = filtered(tree, source.effectiveFilter());
        if (!missingEntries(repo, commit, tree).isEmpty()) {
            return null;
        }
        if (!context.readOnly()) {
            List<PinnedFile> files = new ArrayList<>();
            for (TreeEntry entry : tree) {
                Path file = layout.snapshotFile(repo, commit, entry.path());
                files.add(new PinnedFile(entry.path(), Files.size(file), sha256Of(file, entry.etag()), entry.etag()));
            }
            context.pin(source.spelled(), new Pin.Hub(repo.type(), repo.id(), source.revision(), commit, files,
                    source.effectiveFilter()));
        }
        return layout.snapshotDir(repo, commit);
    }

    /**
     * The files of a snapshot folder that has no tree file, as entries, when it was written by another Hub client
     * (the npm client and older Python ones write no tree file); null when the folder is empty or holds only files
     * this store fetched one by one (then it may be incomplete, and the Hub is asked).
     */
    private List<TreeEntry> snapshotWrittenByOthers(RepoId repo, String commit) throws IOException {
        Path dir = layout.snapshotDir(repo, commit);
        if (!Files.isDirectory(dir)) {
            return null;
        }
        List<TreeEntry> entries = new ArrayList<>();
        try (java.util.stream.Stream<Path> walk = Files.walk(dir)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                String path = dir.relativize(file).toString().replace('\\', '/');
                String blob = blobNameOf(file);
                boolean git = blob != null && ExpectedDigest.isHex(blob, 40);
                boolean lfs = blob != null && ExpectedDigest.isHex(blob, 64);
                entries.add(new TreeEntry(path, Files.size(file), git ? blob : null, lfs ? blob : null));
            }
        }
        if (entries.isEmpty()) {
            return null;
        }
        java.util.Set<String> fetchedAlone = new java.util.HashSet<>();
        for (Pin pin : context.lockFile.all().values()) {
            if (pin instanceof Pin.Hub hubPin && hubPin.commit().equals(commit) && matchesRepo(hubPin, repo)
                    && hubPin.files().size() == 1) {
                fetchedAlone.add(hubPin.files().get(0).path());
            }
        }
        return entries.stream().allMatch(e -> fetchedAlone.contains(e.path())) ? null : entries;
    }

    private static List<TreeEntry> filtered(List<TreeEntry> tree, FileFilter filter) {
        return filter.isAll() ? tree : tree.stream().filter(e -> filter.matches(e.path())).toList();
    }

    private static boolean matchesRepo(Pin.Hub pin, RepoId repo) {
        return pin.type() == repo.type() && pin.repo().equals(repo.id());
    }

    private List<TreeEntry> missingEntries(RepoId repo, String commit, List<TreeEntry> tree) throws IOException {
        List<TreeEntry> missing = new ArrayList<>();
        for (TreeEntry entry : tree) {
            if (!sizeMatches(layout.snapshotFile(repo, commit, entry.path()), entry.size())) {
                missing.add(entry);
            }
        }
        return missing;
    }

    /** The blob a snapshot link points to, or null for a real file. */
    private static String blobNameOf(Path snapshotFile) {
        try {
            if (Files.isSymbolicLink(snapshotFile)) {
                return Files.readSymbolicLink(snapshotFile).getFileName().toString();
            }
        } catch (IOException ignored) {
            // a real file
        }
        return null;
    }

    /** The sha256 of a stored file: its etag when that is one, else hashed. */
    private static String sha256Of(Path file, String etag) throws IOException {
        if (etag != null && ExpectedDigest.isHex(etag, 64)) {
            return etag;
        }
        return Hashing.sha256Of(file);
    }

    // ---------------------------------------------------------------- downloads

    /** Downloads one file at {@code knownCommit}, or at the source's revision when null. */
    private Resolution downloadFile(Source.Hub source, long start, String knownCommit) throws IOException {
        RepoId repo = source.repo();
        HubClient client = context.hubClient();
        HubFile meta;
        try {
            meta = client.head(repo, knownCommit != null ? knownCommit : source.revision(), source.path());
        } catch (HubException ex) {
            recordMissing(ex, repo, source.path());
            throw new StoreException(source.spelled() + ": " + ex.getMessage(), ex);
        }
        if (!sizeMatches(layout.blob(repo, meta.etag()), meta.size())) {
            context.checkRoom(source.spelled(), layout.blob(repo, meta.etag()).getParent(), meta.size());
        }
        FileResult result = fetchBlob(source, meta.commit(), source.path(), meta, List.of());
        writeRef(source, meta.commit());
        context.pin(source.spelled(), new Pin.Hub(repo.type(), repo.id(), source.revision(), meta.commit(),
                List.of(result.pinned())));
        return resolution(source, layout.snapshotFile(repo, meta.commit(), source.path()), false, result.bytes(),
                start);
    }

    /** Downloads a whole snapshot at {@code knownCommit}, or at the commit the source's revision names when null. */
    private Resolution downloadSnapshot(Source.Hub source, long start, String knownCommit) throws IOException {
        RepoId repo = source.repo();
        HubClient client = context.hubClient();
        String commit;
        List<TreeEntry> tree;
        try {
            commit = knownCommit != null ? knownCommit : HubLayout.isCommit(source.revision()) ? source.revision()
                    : client.commitOf(repo, source.revision());
            tree = client.tree(repo, commit);
        } catch (HubException ex) {
            throw new StoreException(source.spelled() + ": " + ex.getMessage(), ex);
        }
        long needed = 0;
        for (TreeEntry entry : tree) {
            if (entry.size() > 0 && !sizeMatches(layout.snapshotFile(repo, commit, entry.path()), entry.size())
                    && (entry.etag() == null || !sizeMatches(layout.blob(repo, entry.etag()), entry.size()))) {
                needed += entry.size();
            }
        }
        context.checkRoom(source.spelled(), layout.snapshotDir(repo, commit), needed);
        AtomicLong bytes = new AtomicLong();
        List<TreeEntry> wanted = filtered(tree, source.effectiveFilter());
        if (wanted.isEmpty() && !tree.isEmpty()) {
            throw new StoreException(source.spelled() + ": --include/--exclude leave none of the " + tree.size()
                    + " files of " + repo + " at commit " + commit + "; check the patterns (they match whole paths, "
                    + "e.g. '*.json' or 'onnx/')");
        }
        List<PinnedFile> pinned = forEachFile(source, wanted, entry -> {
            Path file = layout.snapshotFile(repo, commit, entry.path());
            if (sizeMatches(file, entry.size())) {
                return new PinnedFile(entry.path(), entry.size(), sha256Of(file, entry.etag()), entry.etag());
            }
            if (entry.etag() != null && linkPresentBlob(repo, commit, entry.path(), entry.etag(), entry.size())) {
                return new PinnedFile(entry.path(), entry.size(), sha256Of(file, entry.etag()), entry.etag());
            }
            HubFile meta = head(source, commit, entry.path());
            List<ExpectedDigest> expected = entry.lfsOid() != null ? List.of(ExpectedDigest.sha256(entry.lfsOid()))
                    : List.of();
            FileResult result = fetchBlob(source, commit, entry.path(), meta, expected);
            bytes.addAndGet(result.bytes());
            return result.pinned();
        });
        writeTree(repo, commit, tree);
        writeRef(source, commit);
        context.pin(source.spelled(), new Pin.Hub(repo.type(), repo.id(), source.revision(), commit, pinned,
                source.effectiveFilter()));
        return resolution(source, layout.snapshotDir(repo, commit), false, bytes.get(), start);
    }

    /** Downloads pinned files that are missing, at the pinned commit, checked against the pinned hashes. */
    private long fetchPinned(Source.Hub source, String commit, List<PinnedFile> missing) throws IOException {
        long needed = 0;
        for (PinnedFile file : missing) {
            needed += Math.max(0, file.size());
        }
        context.checkRoom(source.spelled(), layout.snapshotDir(source.repo(), commit), needed);
        AtomicLong bytes = new AtomicLong();
        forEachFile(source, missing, pinned -> {
            HubFile meta = head(source, commit, pinned.path());
            if (pinned.size() >= 0 && meta.size() >= 0 && meta.size() != pinned.size()) {
                throw new StoreException(source.spelled() + ": the Hub now reports " + meta.size() + " bytes for '"
                        + pinned.path() + "' at the pinned commit " + commit + ", but the lock file records "
                        + pinned.size() + "; the lock file or the server is wrong. Check the endpoint key, or move "
                        + "the pin with `pull --update " + source.spelled() + "`");
            }
            FileResult result = fetchBlob(source, commit, pinned.path(), meta,
                    List.of(ExpectedDigest.sha256(pinned.sha256())));
            bytes.addAndGet(result.bytes());
            return result.pinned();
        });
        return bytes.get();
    }

    private HubFile head(Source.Hub source, String commit, String path) throws IOException {
        try {
            return context.hubClient().head(source.repo(), commit, path);
        } catch (HubException ex) {
            recordMissing(ex, source.repo(), path);
            throw new StoreException(source.spelled() + ": " + ex.getMessage(), ex);
        }
    }

    private record FileResult(PinnedFile pinned, long bytes) {
    }

    /**
     * Makes sure {@code blobs/ETAG} holds the verified bytes of one file (downloads it when it does not) and links it
     * into the snapshot of {@code commit}, the blob's named lock held from the check until the link exists so gc and
     * rm keep the blob meanwhile.
     */
    private FileResult fetchBlob(Source.Hub source, String commit, String path, HubFile meta,
            List<ExpectedDigest> extra) throws IOException {
        RepoId repo = source.repo();
        Path blob = layout.blob(repo, meta.etag());
        String label = "hf://" + repo + "@" + commit.substring(0, 8) + "/" + path;
        List<ExpectedDigest> expected = new ArrayList<>(extra);
        ExpectedDigest fromEtag = ExpectedDigest.fromEtag(meta.etag());
        if (fromEtag != null) {
            expected.add(fromEtag);
        }
        try (NamedLocks.Held lock = NamedLocks.acquire(layout.lock(repo, meta.etag()), label)) {
            if (!sizeMatches(blob, meta.size())) {
                GroupAccess.createDirectories(blob.getParent());
                Path temp = PartialFiles.claim(blob.getParent(), meta.etag());
                DownloadLocation location = new DownloadLocation() {
                    private volatile HttpUrl url = meta.location();

                    @Override
                    public HttpUrl current() {
                        return url;
                    }

                    @Override
                    public HttpUrl refresh() throws IOException {
                        url = context.hubClient().head(repo, commit, path).location();
                        return url;
                    }
                };
                FileDownloader.Result download;
                try {
                    download = context.downloader().download(new DownloadJob(label, location, meta.size(), null,
                            temp, expected), context.progress);
                } catch (IOException ex) {
                    throw DiskSpace.isFull(ex) ? context.full(label, blob.getParent(), meta.size(), ex) : ex;
                }
                AtomicFiles.move(temp, blob);
                link(repo, commit, path, meta.etag());
                Hashing.Digests digests = download.digests();
                return new FileResult(new PinnedFile(path, digests.size(), digests.sha256(), meta.etag()),
                        download.transferred());
            }
            link(repo, commit, path, meta.etag());
        }
        String sha256 = sha256Of(blob, meta.etag());
        return new FileResult(new PinnedFile(path, Files.size(blob), sha256, meta.etag()), 0);
    }

    /** Links a blob already present (of {@code size}) under its lock; false when it is not there (any more). */
    private boolean linkPresentBlob(RepoId repo, String commit, String path, String etag, long size)
            throws IOException {
        if (!sizeMatches(layout.blob(repo, etag), size)) {
            return false;
        }
        try (NamedLocks.Held lock = NamedLocks.acquire(layout.lock(repo, etag), "hf://" + repo + "/" + path)) {
            if (!sizeMatches(layout.blob(repo, etag), size)) {
                return false;
            }
            link(repo, commit, path, etag);
            return true;
        }
    }

    private void link(RepoId repo, String commit, String path, String etag) throws IOException {
        Path link = layout.snapshotFile(repo, commit, path);
        AtomicFiles.link(link, HubLayout.linkTarget(path, etag), layout.blob(repo, etag));
    }

    private void writeRef(Source.Hub source, String commit) throws IOException {
        if (source.revision().equals(commit)) {
            return;
        }
        Path ref = layout.ref(source.repo(), source.revision());
        String current = layout.readRef(source.repo(), source.revision());
        if (!commit.equals(current)) {
            AtomicFiles.write(ref, commit.getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** Leaves the {@code .no_exist} marker the Hub's clients leave for a file missing at a known commit. */
    private void recordMissing(HubException ex, RepoId repo, String path) {
        if (ex.kind() != HubException.Kind.ENTRY_NOT_FOUND || ex.commit() == null || path == null
                || context.readOnly()) {
            return;
        }
        try {
            Path marker = layout.noExist(repo, ex.commit(), path);
            GroupAccess.createDirectories(marker.getParent());
            if (!Files.exists(marker)) {
                Files.createFile(marker);
                GroupAccess.share(marker);
            }
        } catch (IOException ignored) {
            // the marker only saves a request next time
        }
    }

    // ---------------------------------------------------------------- tree files

    /** The file list of a commit, as huggingface_hub writes it ({@code trees/COMMIT.json}); null when absent. */
    List<TreeEntry> readTree(RepoId repo, String commit) {
        try {
            Path file = layout.tree(repo, commit);
            if (!Files.isRegularFile(file)) {
                return null;
            }
            Map<String, Object> root = Json.parseObject(Files.readString(file, StandardCharsets.UTF_8));
            Map<String, Object> files = JsonValues.object(root, "files");
            if (files == null) {
                return null;
            }
            List<TreeEntry> entries = new ArrayList<>();
            for (Map.Entry<String, Object> entry : files.entrySet()) {
                if (!SafePaths.isSafe(entry.getKey())) {
                    return null;
                }
                Map<String, Object> info = JsonValues.asObject(entry.getValue(), "a tree file");
                String lfs = JsonValues.string(info, "lfs_sha256");
                long size = lfs != null ? JsonValues.longValue(info, "lfs_size", -1)
                        : JsonValues.longValue(info, "size", -1);
                entries.add(new TreeEntry(entry.getKey(), size, JsonValues.string(info, "blob_id"), lfs));
            }
            return entries;
        } catch (IOException | JsonException | IllegalArgumentException ex) {
            return null;
        }
    }

    private void writeTree(RepoId repo, String commit, List<TreeEntry> tree) throws IOException {
        Map<String, Object> files = new LinkedHashMap<>();
        for (TreeEntry entry : tree) {
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("size", entry.size());
            info.put("blob_id", entry.gitOid());
            if (entry.lfsOid() != null) {
                info.put("lfs_sha256", entry.lfsOid());
                info.put("lfs_size", entry.size());
            }
            files.put(entry.path(), info);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("format_version", 1);
        root.put("files", files);
        AtomicFiles.writeString(layout.tree(repo, commit), Json.write(root));
    }

    // ---------------------------------------------------------------- parallel files

    private interface FileTask<T> {
        PinnedFile run(T item) throws IOException;
    }

    /** Runs a task per file, a few at once; the first failure cancels the rest and is thrown. */
    private <T> List<PinnedFile> forEachFile(Source.Hub source, List<T> entries, FileTask<T> task)
            throws IOException {
        if (entries.size() <= 1) {
            List<PinnedFile> results = new ArrayList<>();
            for (T entry : entries) {
                results.add(task.run(entry));
            }
            return results;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(PARALLEL_FILES, entries.size()), r -> {
            Thread thread = new Thread(r, "model-redirect-files");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<PinnedFile>> futures = new ArrayList<>();
            for (T entry : entries) {
                futures.add(pool.submit(() -> task.run(entry)));
            }
            List<PinnedFile> results = new ArrayList<>();
            for (Future<PinnedFile> future : futures) {
                results.add(future.get());
            }
            return results;
        } catch (ExecutionException ex) {
            Throwable cause = ex.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IOException(source.spelled() + ": " + cause, cause);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while downloading " + source.spelled());
        } finally {
            pool.shutdownNow();
        }
    }
}
