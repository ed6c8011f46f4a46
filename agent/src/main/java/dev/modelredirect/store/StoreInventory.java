package dev.modelredirect.store;

import dev.modelredirect.fetch.ExpectedDigest;
import dev.modelredirect.files.UnsafePathException;
import dev.modelredirect.hub.RepoId;
import dev.modelredirect.hub.RepoType;
import dev.modelredirect.json.JsonValues;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What a store holds, read from disk and the lock file; never writes. Hub repositories under {@code <store>/hub}
 * (including caches other Hub clients wrote, with no pin), URL files under {@code <store>/url} with their integrity
 * records, the temporary files of downloads and atomic writes, and, per source of the lock file and per unpinned
 * repository or URL file, a row for {@code list}.
 */
public final class StoreInventory {
    /** An AtomicFiles temporary name: {@code .NAME.<hex>.tmp}. */
    private static final Pattern ATOMIC_TEMP = Pattern.compile("^\\..+\\.[0-9a-f]+\\.tmp$");
    /** A temporary file of an atomic write, or an unpacking folder, is abandoned when untouched this long. */
    public static final long TEMP_STALE_MILLIS = 10 * 60_000;
    /** How an import's staging folder at the store root starts (an atomic-write temporary name of "import"). */
    public static final String IMPORT_STAGING_PREFIX = ".import.";
    /** The named lock an import holds inside its staging folder while it runs. */
    public static final String IMPORT_LOCK = ".import.lock";
    /** A URL file's partial download, {@code .NAME.p<pid>-<hex>.incomplete} (see {@link UrlResolver}). */
    private static final Pattern URL_PARTIAL = Pattern.compile("^\\.(.+)\\.p\\d+-[0-9a-f]+\\.incomplete$");

    /**
     * One Hub repository folder.
     *
     * @param repo      the repository its folder name says
     * @param dir       {@code hub/models--ORG--NAME}
     * @param refs      revision to commit, from {@code refs/}
     * @param snapshots commit folders under {@code snapshots/}
     * @param blobs     blob name to size, from {@code blobs/} (temporary files left out)
     */
    public record HubRepo(RepoId repo, Path dir, Map<String, String> refs, List<String> snapshots,
            Map<String, Long> blobs) {
        /** {@code hf://ORG/NAME}, or {@code hf://datasets/ORG/NAME}. */
        public String label() {
            return "hf://" + repo;
        }
    }

    /**
     * One file in a snapshot folder.
     *
     * @param commit the snapshot
     * @param path   its path in the repository
     * @param file   the snapshot entry
     * @param blob   the blob name a link points to; null for a real file (a copy other clients or platforms make)
     * @param broken a link whose blob is gone
     */
    public record SnapshotFile(String commit, String path, Path file, String blob, boolean broken) {
    }

    /**
     * A temporary file (or unpacking folder) of a download or an atomic write.
     *
     * @param path      where it is
     * @param bytes     its size (a folder: everything in it)
     * @param abandoned no live process will finish it: its owner process is gone, or it is stale
     */
    public record Leftover(Path path, long bytes, boolean abandoned) {
    }

    /**
     * One row of {@code list}.
     *
     * @param source      as the lock file spells it, or {@code hf://ORG/NAME} / the URL for what no pin names
     * @param pinned      whether the lock file pins it
     * @param kind        {@code hub} or {@code url}
     * @param revision    the commit (Hub) or the ETag (URL); null when unknown
     * @param files       files present in the store
     * @param filesPinned files the pin lists (files present for an unpinned source)
     * @param bytes       bytes of the files present
     * @param lastUse     the last resolution through this store, when recorded
     */
    public record Row(String source, boolean pinned, String kind, String revision, int files, int filesPinned,
            long bytes, Optional<Instant> lastUse) {
        /** Whether every pinned file is in the store. */
        public boolean complete() {
            return files == filesPinned;
        }
    }

    private final Path root;
    private final LockFile lockFile;
    private final boolean readOnly;

    /**
     * @param root     the store root
     * @param lockFile its lock file
     * @param readOnly whether the store cannot be written
     */
    public StoreInventory(Path root, LockFile lockFile, boolean readOnly) {
        this.root = root.toAbsolutePath().normalize();
        this.lockFile = lockFile;
        this.readOnly = readOnly;
    }

    /** The inventory of an open store. */
    public static StoreInventory of(ModelStore store) {
        return new StoreInventory(store.root(), store.lockFile(), store.isReadOnly());
    }

    /** The store root. */
    public Path root() {
        return root;
    }

    /** The lock file whose pins this inventory compares with the store. */
    public LockFile lockFile() {
        return lockFile;
    }

    /** Whether the store cannot be written (nothing can be deleted). */
    public boolean readOnly() {
        return readOnly;
    }

    /** The Hub cache layout under {@code <root>/hub}. */
    public HubLayout hubLayout() {
        return new HubLayout(root.resolve("hub"));
    }

    /** The pins of the lock file, sorted by source. */
    public Map<String, Pin> pins() throws StoreException {
        return lockFile.all();
    }

    /** The Hub repository folders, sorted by folder name; folders that are not repositories are left out. */
    public List<HubRepo> hubRepos() throws IOException {
        Path hub = root.resolve("hub");
        List<HubRepo> repos = new ArrayList<>();
        for (Path dir : children(hub)) {
            RepoId repo = repoOf(dir.getFileName().toString());
            if (repo == null || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            Map<String, String> refs = new TreeMap<>();
            Path refsDir = dir.resolve("refs");
            if (Files.isDirectory(refsDir)) {
                try (var walk = Files.walk(refsDir)) {
                    for (Path ref : walk.filter(Files::isRegularFile).toList()) {
                        String name = refsDir.relativize(ref).toString().replace('\\', '/');
                        String commit = readRef(ref);
                        if (!isTemporary(ref.getFileName().toString()) && ExpectedDigest.isHex(commit, 40)) {
                            refs.put(name, commit);
                        }
                    }
                }
            }
            List<String> snapshots = new ArrayList<>();
            for (Path snapshot : children(dir.resolve("snapshots"))) {
                if (Files.isDirectory(snapshot, LinkOption.NOFOLLOW_LINKS)
                        && !isTemporary(snapshot.getFileName().toString())) {
                    snapshots.add(snapshot.getFileName().toString());
                }
            }
            Map<String, Long> blobs = new TreeMap<>();
            for (Path blob : children(dir.resolve("blobs"))) {
                String name = blob.getFileName().toString();
                if (!isTemporary(name) && Files.isRegularFile(blob, LinkOption.NOFOLLOW_LINKS)) {
                    blobs.put(name, Files.size(blob));
                }
            }
            repos.add(new HubRepo(repo, dir, refs, snapshots, blobs));
        }
        return repos;
    }

    /** The commit a ref file holds; empty when it is unreadable or not text (then it is no ref). */
    private static String readRef(Path ref) {
        try {
            return Files.size(ref) > 256 ? "" : Files.readString(ref, StandardCharsets.US_ASCII).trim();
        } catch (IOException ex) {
            return "";
        }
    }

    /** Every file of every snapshot of a repository, links and real files, sorted by commit and path. */
    public List<SnapshotFile> snapshotFiles(HubRepo repo) throws IOException {
        List<SnapshotFile> files = new ArrayList<>();
        for (String commit : repo.snapshots()) {
            Path dir = repo.dir().resolve("snapshots").resolve(commit);
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            try (var walk = Files.walk(dir)) {
                for (Path file : walk.sorted().toList()) {
                    String path = dir.relativize(file).toString().replace('\\', '/');
                    if (Files.isSymbolicLink(file)) {
                        Path target = Files.readSymbolicLink(file);
                        Path resolved = file.getParent().resolve(target).normalize();
                        boolean inBlobs = resolved.getParent() != null
                                && resolved.getParent().equals(repo.dir().resolve("blobs"));
                        String blob = inBlobs ? resolved.getFileName().toString() : null;
                        files.add(new SnapshotFile(commit, path, file, blob, !Files.exists(file)));
                    } else if (Files.isRegularFile(file) && !isTemporary(file.getFileName().toString())) {
                        files.add(new SnapshotFile(commit, path, file, null, false));
                    }
                }
            }
        }
        return files;
    }

    /** The URL files: every file under {@code <store>/url} that has an integrity record, sorted. */
    public List<Path> urlFiles() throws IOException {
        Path url = root.resolve("url");
        if (!Files.isDirectory(url)) {
            return List.of();
        }
        try (var walk = Files.walk(url)) {
            return walk.filter(p -> p.getFileName().toString().endsWith(UrlLayout.META_SUFFIX))
                    .map(meta -> meta.resolveSibling(meta.getFileName().toString()
                            .substring(0, meta.getFileName().toString().length() - UrlLayout.META_SUFFIX.length())))
                    .filter(Files::isRegularFile).sorted().toList();
        }
    }

    /** The integrity record of a URL file, or null when it is absent or unreadable. */
    public Map<String, Object> urlMeta(Path file) {
        return UrlResolver.readMeta(file);
    }

    /**
     * Temporary files under {@code hub/}, {@code url/}, {@code unpacked/} and the root: partial downloads
     * ({@code *.incomplete}) and atomic writes ({@code .NAME.<hex>.tmp}, files or unpacking folders).
     */
    public List<Leftover> leftovers() throws IOException {
        List<Leftover> found = new ArrayList<>();
        for (String top : List.of("hub", "url", "unpacked")) {
            Path dir = root.resolve(top);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path folder, BasicFileAttributes attrs) throws IOException {
                    if (!folder.equals(dir) && isTemporary(folder.getFileName().toString())) {
                        found.add(leftover(folder));
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    if (attrs.isRegularFile() && isTemporary(file.getFileName().toString())) {
                        found.add(leftover(file));
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        }
        for (Path file : children(root)) {
            String name = file.getFileName().toString();
            if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && isTemporary(name)
                    || Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS) && name.startsWith(IMPORT_STAGING_PREFIX)
                    && ATOMIC_TEMP.matcher(name).matches()) {
                found.add(leftover(file));
            }
        }
        found.sort((a, b) -> a.path().compareTo(b.path()));
        return found;
    }

    private Leftover leftover(Path path) throws IOException {
        long bytes = sizeOf(path);
        boolean abandoned;
        try (NamedLocks.Held held = claim(path)) {
            abandoned = held != null;
        }
        return new Leftover(path, bytes, abandoned);
    }

    /**
     * The one test gc and {@code verify --repair} apply before deleting a temporary file or folder: it is abandoned
     * only when its named lock is free (a Hub blob's, a URL file's, an import's staging folder's) and then, for a
     * partial download, its owner process is gone from this host or it is untouched for
     * {@link PartialFiles#STALE_MILLIS} (the pid may be another host's on a shared store); for an atomic write or a
     * staging folder, nothing in it changed for {@link #TEMP_STALE_MILLIS}.
     *
     * @return the lock, held until closed, when the leftover may be deleted now; null when it is in use
     */
    public NamedLocks.Held claim(Path leftover) throws IOException {
        NamedLocks.Held held = NamedLocks.tryAcquire(lockOf(leftover));
        if (held == null) {
            return null;
        }
        boolean abandoned;
        try {
            String name = leftover.getFileName().toString();
            long age = System.currentTimeMillis() - newestChange(leftover);
            abandoned = name.endsWith(".incomplete")
                    ? PartialFiles.isAbandoned(leftover) || age >= PartialFiles.STALE_MILLIS
                    : age > TEMP_STALE_MILLIS;
        } catch (java.nio.file.NoSuchFileException gone) {
            abandoned = false;
        }
        if (!abandoned) {
            held.close();
            return null;
        }
        return held;
    }

    /** The named lock a writer of {@code leftover} holds: of the blob, URL file or import it belongs to. */
    private Path lockOf(Path leftover) {
        String name = leftover.getFileName().toString();
        Path parent = leftover.getParent();
        if (parent != null && parent.equals(root) && name.startsWith(IMPORT_STAGING_PREFIX)) {
            return leftover.resolve(IMPORT_LOCK);
        }
        int dot = name.indexOf('.', 1);
        if (name.endsWith(".incomplete") && parent != null && parent.getFileName().toString().equals("blobs")
                && parent.getParent() != null && dot > 0) {
            RepoId repo = repoOf(parent.getParent().getFileName().toString());
            if (repo != null) {
                try {
                    return hubLayout().lock(repo, name.substring(0, dot));
                } catch (UnsafePathException ex) {
                    return leftover.resolveSibling(name + ".nolock");
                }
            }
        }
        Path url = root.resolve("url");
        java.util.regex.Matcher partial = URL_PARTIAL.matcher(name);
        if (partial.matches() && leftover.startsWith(url)) {
            return new UrlLayout(url).lockOfFile(leftover.resolveSibling(partial.group(1)));
        }
        return leftover.resolveSibling(name + ".nolock");
    }

    /** Whether a file name is one of a download or an atomic write in progress (or abandoned). */
    public static boolean isTemporary(String name) {
        return name.endsWith(".incomplete") || ATOMIC_TEMP.matcher(name).matches();
    }

    /** The rows of {@code list}: every pin of the lock file, then what the store holds that no pin names. */
    public List<Row> rows() throws IOException {
        LastUse lastUse = new LastUse(root);
        HubLayout layout = hubLayout();
        Map<String, Pin> pins = pins();
        List<Row> rows = new ArrayList<>();
        Set<String> pinnedRepos = new HashSet<>();
        Set<Path> pinnedUrlFiles = new HashSet<>();
        for (Map.Entry<String, Pin> entry : pins.entrySet()) {
            Pin pin = entry.getValue();
            int present = 0;
            long bytes = 0;
            String revision;
            String kind;
            if (pin instanceof Pin.Hub hub) {
                RepoId repo = repoOf(hub);
                kind = "hub";
                revision = hub.commit();
                if (repo != null) {
                    pinnedRepos.add(repo.cacheFolder());
                }
                for (PinnedFile file : hub.files()) {
                    Path path = repo == null ? null : layout.snapshotFile(repo, hub.commit(), file.path());
                    if (path != null && Files.isRegularFile(path)) {
                        present++;
                        bytes += Files.size(path);
                    }
                }
            } else {
                kind = pin instanceof Pin.Djl ? "djl" : "url";
                revision = pin instanceof Pin.Djl djl ? djl.version() : ((Pin.Url) pin).etag();
                for (PinnedFile file : pin.files()) {
                    Path path = root.resolve(file.path()).normalize();
                    pinnedUrlFiles.add(path);
                    if (path.startsWith(root) && Files.isRegularFile(path)) {
                        present++;
                        bytes += Files.size(path);
                    }
                }
            }
            rows.add(new Row(entry.getKey(), true, kind, revision, present, pin.files().size(), bytes,
                    lastUse.of(entry.getKey())));
        }
        for (HubRepo repo : hubRepos()) {
            if (pinnedRepos.contains(repo.repo().cacheFolder())) {
                continue;
            }
            String commit = repo.refs().getOrDefault("main", repo.snapshots().isEmpty() ? null
                    : repo.snapshots().get(repo.snapshots().size() - 1));
            int files = 0;
            for (SnapshotFile file : snapshotFiles(repo)) {
                if (file.commit().equals(commit) && !file.broken()) {
                    files++;
                }
            }
            long bytes = repo.blobs().values().stream().mapToLong(Long::longValue).sum();
            rows.add(new Row(repo.label(), false, "hub", commit, files, files, bytes, lastUse.of(repo.label())));
        }
        for (Path file : urlFiles()) {
            if (pinnedUrlFiles.contains(file)) {
                continue;
            }
            Map<String, Object> meta = urlMeta(file);
            String url = meta == null ? null : JsonValues.string(meta, "url");
            String source = url != null ? url : root.relativize(file).toString();
            rows.add(new Row(source, false, "url", meta == null ? null : JsonValues.string(meta, "etag"), 1, 1,
                    Files.size(file), lastUse.of(source)));
        }
        return rows;
    }

    /** Bytes of every file under the store root, links not followed. */
    public long bytesOnDisk() throws IOException {
        return sizeOf(root);
    }

    /** The repository a cache folder name means ({@code models--ORG--NAME}), or null. */
    public static RepoId repoOf(String folder) {
        try {
            return RepoId.fromCacheFolder(folder);
        } catch (IllegalArgumentException notARepository) {
            return null;
        }
    }

    /** The repository of a Hub pin, or null when the lock file names an impossible one. */
    public static RepoId repoOf(Pin.Hub pin) {
        int slash = pin.repo().indexOf('/');
        if (slash < 0) {
            return null;
        }
        try {
            return new RepoId(pin.type(), pin.repo().substring(0, slash), pin.repo().substring(slash + 1));
        } catch (IllegalArgumentException ex) {
            return null;
        }
    }

    /** Bytes of a file, or of everything in a folder, links not followed; 0 when it is gone. */
    public static long sizeOf(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return 0;
        }
        if (!Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            return Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS) ? Files.size(path) : 0;
        }
        long[] total = {0};
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile()) {
                    total[0] += attrs.size();
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException ex) {
                return FileVisitResult.CONTINUE;
            }
        });
        return total[0];
    }

    private static long newestChange(Path path) throws IOException {
        long[] newest = {Files.getLastModifiedTime(path, LinkOption.NOFOLLOW_LINKS).toMillis()};
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            try (var walk = Files.walk(path)) {
                walk.forEach(p -> {
                    try {
                        newest[0] = Math.max(newest[0],
                                Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toMillis());
                    } catch (IOException gone) {
                        // removed meanwhile
                    }
                });
            }
        }
        return newest[0];
    }

    private static List<Path> children(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            entries.forEach(children::add);
        }
        children.sort(null);
        return children;
    }

    /** A short commit or ETag for tables: 12 characters, quotes dropped. */
    public static String shortRevision(String revision) {
        if (revision == null) {
            return "-";
        }
        String plain = revision.replace("\"", "");
        return plain.length() > 12 ? plain.substring(0, 12) : plain;
    }
}
