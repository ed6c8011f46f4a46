package dev.modelredirect.store;

import dev.modelredirect.hub.RepoId;
import dev.modelredirect.json.JsonValues;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Frees space: {@link #remove} deletes one source (its pin, its snapshot links, the blobs nothing else uses, and the
 * unpacked folders of its archives); {@link #collect} deletes unreferenced blobs, abandoned temporary files and the
 * unpacked folders of archives that are gone. Never deletes a file a running download
 * holds: a blob whose named lock is held, or a partial file whose owner process is alive, is kept and said so. With
 * {@code dryRun} nothing is deleted and the outcome says what would be. A read-only store is refused before anything
 * is touched.
 */
public final class StoreCleaner {
    /** An unreferenced blob younger than this may be one a download has just published and not yet linked. */
    public static final long FRESH_BLOB_MILLIS = PartialFiles.STALE_MILLIS;

    /**
     * One deleted (or, dry, deletable) thing.
     *
     * @param path  what
     * @param bytes its size
     * @param why   why it could go
     */
    public record Removed(Path path, long bytes, String why) {
    }

    /**
     * What a removal or collection did.
     *
     * @param removed what was deleted (or would be)
     * @param kept    what was left alone, and why
     */
    public record Outcome(List<Removed> removed, List<String> kept) {
        /** Bytes that came back. */
        public long bytes() {
            return removed.stream().mapToLong(Removed::bytes).sum();
        }
    }

    private final StoreInventory inventory;
    private final SourceParser parser;
    private final boolean dryRun;
    private final List<Removed> removed = new ArrayList<>();
    private final List<String> kept = new ArrayList<>();

    /**
     * @param inventory the store
     * @param endpoint  the Hub endpoint, to read Hub URLs as sources
     * @param dryRun    report, delete nothing
     */
    public StoreCleaner(StoreInventory inventory, String endpoint, boolean dryRun) {
        this.inventory = inventory;
        this.parser = new SourceParser(endpoint);
        this.dryRun = dryRun;
    }

    /** The error for a read-only store: nothing can be deleted. */
    static StoreException readOnly(Path root, String command) {
        return new StoreException("the store " + root + " is read-only (a read-only mount, or no write permission), "
                + "so `" + command + "` deletes nothing; run it where the store is writable (e.g. on the machine "
                + "that fills it), or give a writable store with --store");
    }

    // ---------------------------------------------------------------- rm

    /**
     * Removes a source as the lock file or the user spells it ({@code hf://org/name} finds {@code hf://org/name@main};
     * an unpinned repository in the store is removed whole).
     *
     * @throws StoreException when no source matches (naming close matches), or the store or lock file is read-only
     */
    public Outcome remove(String spelled) throws IOException {
        if (inventory.readOnly()) {
            throw readOnly(inventory.root(), "rm");
        }
        Map<String, Pin> pins = inventory.pins();
        String key = pinKeyOf(spelled, pins);
        if (key != null) {
            if (!inventory.lockFile().isWritable()) {
                throw new StoreException("the lock file " + inventory.lockFile().path() + " is read-only, so "
                        + spelled + " cannot be unpinned and nothing is deleted; make it writable, or give another "
                        + "with --lockfile");
            }
            Pin pin = pins.get(key);
            if (!dryRun) {
                inventory.lockFile().remove(key);
                new LastUse(inventory.root()).forget(key);
            }
            pins.remove(key);
            if (pin instanceof Pin.Hub hub) {
                removePinnedHub(hub, pins);
            } else {
                removePinnedUrl((Pin.Url) pin, pins);
            }
            collectUnpacked();
            return outcome();
        }
        StoreInventory.HubRepo repo = unpinnedRepo(spelled);
        if (repo != null) {
            removeRepoFolder(repo);
            collectUnpacked();
            return outcome();
        }
        Path urlFile = unpinnedUrlFile(spelled);
        if (urlFile != null) {
            delete(urlFile, "unpinned URL file");
            delete(UrlLayout.meta(urlFile), "integrity record");
            collectUnpacked();
            return outcome();
        }
        throw new StoreException(spelled + " is neither pinned in " + inventory.lockFile().path() + " nor in the "
                + "store " + inventory.root() + closeMatches(spelled, pins) + "; `java -jar model-redirect.jar list` "
                + "shows the sources as they are spelled");
    }

    private String pinKeyOf(String spelled, Map<String, Pin> pins) {
        if (pins.containsKey(spelled)) {
            return spelled;
        }
        Source wanted;
        try {
            wanted = parser.parse(spelled);
        } catch (StoreException ex) {
            return null;
        }
        for (String key : pins.keySet()) {
            try {
                if (sameSource(wanted, parser.parse(key))) {
                    return key;
                }
            } catch (StoreException ex) {
                // a key this version does not read: not the one
            }
        }
        return null;
    }

    private static boolean sameSource(Source a, Source b) {
        if (a instanceof Source.Hub x && b instanceof Source.Hub y) {
            return x.repo().equals(y.repo()) && x.revision().equals(y.revision())
                    && java.util.Objects.equals(x.path(), y.path());
        }
        if (a instanceof Source.Url x && b instanceof Source.Url y) {
            return x.url().text().equals(y.url().text());
        }
        return false;
    }

    private StoreInventory.HubRepo unpinnedRepo(String spelled) throws IOException {
        Source source;
        try {
            source = parser.parse(spelled);
        } catch (StoreException ex) {
            return null;
        }
        if (!(source instanceof Source.Hub hub) || !hub.isSnapshot()) {
            return null;
        }
        for (Pin pin : inventory.pins().values()) {
            if (pin instanceof Pin.Hub p && hub.repo().equals(StoreInventory.repoOf(p))) {
                return null;
            }
        }
        for (StoreInventory.HubRepo repo : inventory.hubRepos()) {
            if (repo.repo().equals(hub.repo())) {
                return repo;
            }
        }
        return null;
    }

    private Path unpinnedUrlFile(String spelled) throws IOException {
        for (Path file : inventory.urlFiles()) {
            Map<String, Object> meta = inventory.urlMeta(file);
            if (meta != null && spelled.equals(JsonValues.string(meta, "url"))) {
                return file;
            }
        }
        return null;
    }

    private String closeMatches(String spelled, Map<String, Pin> pins) throws IOException {
        Set<String> known = new java.util.TreeSet<>(pins.keySet());
        for (StoreInventory.HubRepo repo : inventory.hubRepos()) {
            known.add(repo.label());
        }
        String needle = spelled.toLowerCase(java.util.Locale.ROOT).replaceFirst("^hf://", "")
                .replaceFirst("^https?://", "");
        int at = needle.indexOf('@');
        String stem = at > 0 ? needle.substring(0, at) : needle;
        List<String> close = known.stream().filter(k -> {
            String lower = k.toLowerCase(java.util.Locale.ROOT);
            return lower.contains(stem) || distance(lower.replaceFirst("^hf://", ""), needle) <= 3;
        }).limit(5).toList();
        return close.isEmpty() ? "" : " (did you mean " + String.join(", ", close) + "?)";
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private void removePinnedHub(Pin.Hub pin, Map<String, Pin> remaining) throws IOException {
        RepoId id = StoreInventory.repoOf(pin);
        StoreInventory.HubRepo repo = id == null ? null : inventory.hubRepos().stream()
                .filter(r -> r.repo().equals(id)).findFirst().orElse(null);
        if (repo == null) {
            return;
        }
        Set<String> stillPinned = new HashSet<>();
        for (Pin other : remaining.values()) {
            if (other instanceof Pin.Hub hub && id.equals(StoreInventory.repoOf(hub))) {
                for (PinnedFile file : hub.files()) {
                    stillPinned.add(hub.commit() + "/" + file.path());
                }
            }
        }
        Set<String> removedLinks = new HashSet<>();
        for (PinnedFile file : pin.files()) {
            if (stillPinned.contains(pin.commit() + "/" + file.path())) {
                continue;
            }
            Path link = repo.dir().resolve("snapshots").resolve(pin.commit()).resolve(file.path());
            if (Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
                delete(link, "snapshot file");
                removedLinks.add(pin.commit() + "/" + file.path());
            }
        }
        boolean snapshotGone = true;
        for (StoreInventory.SnapshotFile file : inventory.snapshotFiles(repo)) {
            if (file.commit().equals(pin.commit()) && !removedLinks.contains(file.commit() + "/" + file.path())) {
                snapshotGone = false;
            }
        }
        if (snapshotGone) {
            Path snapshot = repo.dir().resolve("snapshots").resolve(pin.commit());
            deleteFolder(snapshot);
            delete(repo.dir().resolve("trees").resolve(pin.commit() + ".json"), "file list of the snapshot");
            for (Map.Entry<String, String> ref : repo.refs().entrySet()) {
                if (ref.getValue().equals(pin.commit())) {
                    delete(repo.dir().resolve("refs").resolve(ref.getKey()), "ref to the snapshot");
                }
            }
        }
        collectBlobs(repo, remaining, removedLinks, 0);
        if (!dryRun && isEmptyRepo(repo.dir())) {
            deleteTree(repo.dir());
            deleteTree(repo.dir().getParent().resolve(".locks").resolve(repo.dir().getFileName()));
        }
    }

    private void removePinnedUrl(Pin.Url pin, Map<String, Pin> remaining) throws IOException {
        Set<Path> stillPinned = new HashSet<>();
        for (Pin other : remaining.values()) {
            if (other instanceof Pin.Url url) {
                for (PinnedFile file : url.files()) {
                    stillPinned.add(inventory.root().resolve(file.path()).normalize());
                }
            }
        }
        for (PinnedFile file : pin.files()) {
            Path path = inventory.root().resolve(file.path()).normalize();
            if (path.startsWith(inventory.root().resolve("url")) && !stillPinned.contains(path)) {
                delete(path, "URL file");
                delete(UrlLayout.meta(path), "integrity record");
            }
        }
    }

    private void removeRepoFolder(StoreInventory.HubRepo repo) throws IOException {
        for (StoreInventory.Leftover leftover : inventory.leftovers()) {
            if (leftover.path().startsWith(repo.dir()) && !leftover.abandoned()) {
                throw new StoreException("a download into " + repo.dir() + " is running (" + leftover.path()
                        .getFileName() + "); nothing is deleted. Try again when it has finished");
            }
        }
        removed.add(new Removed(repo.dir(), StoreInventory.sizeOf(repo.dir()), "unpinned repository"));
        if (!dryRun) {
            deleteTree(repo.dir());
            deleteTree(repo.dir().getParent().resolve(".locks").resolve(repo.dir().getFileName()));
        }
    }

    // ---------------------------------------------------------------- gc

    /**
     * Deletes abandoned temporary files, the blobs no snapshot link or pin refers to, and the unpacked folders of
     * archives that are gone.
     */
    public Outcome collect() throws IOException {
        if (inventory.readOnly()) {
            throw readOnly(inventory.root(), "gc");
        }
        for (StoreInventory.Leftover leftover : inventory.leftovers()) {
            if (!leftover.abandoned()) {
                kept.add(inventory.root().relativize(leftover.path()) + ": a download or write in progress");
                continue;
            }
            try (NamedLocks.Held held = blobLockOf(leftover.path())) {
                if (held == null) {
                    kept.add(inventory.root().relativize(leftover.path()) + ": its download holds the lock");
                    continue;
                }
                removed.add(new Removed(leftover.path(), leftover.bytes(), "abandoned temporary file"));
                if (!dryRun) {
                    deleteTree(leftover.path());
                }
            }
        }
        Map<String, Pin> pins = inventory.pins();
        for (StoreInventory.HubRepo repo : inventory.hubRepos()) {
            collectBlobs(repo, pins, Set.of(), FRESH_BLOB_MILLIS);
        }
        collectUnpacked();
        return outcome();
    }

    /** Deletes the unpacked folders whose stored file is gone (removed, repaired, or replaced by another size). */
    private void collectUnpacked() throws IOException {
        Path unpacked = inventory.root().resolve(UnpackedLayout.FOLDER);
        if (!Files.isDirectory(unpacked)) {
            return;
        }
        Set<String> keys = new HashSet<>();
        for (StoreInventory.HubRepo repo : inventory.hubRepos()) {
            for (String blob : repo.blobs().keySet()) {
                addKey(keys, repo.dir().resolve("blobs").resolve(blob));
            }
            for (StoreInventory.SnapshotFile file : inventory.snapshotFiles(repo)) {
                if (file.blob() == null) {
                    addKey(keys, file.file());
                }
            }
        }
        for (Path file : inventory.urlFiles()) {
            addKey(keys, file);
        }
        try (var folders = Files.list(unpacked)) {
            for (Path folder : folders.sorted().toList()) {
                String name = folder.getFileName().toString();
                if (!keys.contains(name) && !StoreInventory.isTemporary(name)
                        && Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
                    removed.add(new Removed(folder, StoreInventory.sizeOf(folder), "unpacked, archive gone"));
                    if (!dryRun) {
                        deleteTree(folder);
                    }
                }
            }
        }
    }

    private void addKey(Set<String> keys, Path file) {
        if (removed.stream().anyMatch(r -> file.startsWith(r.path()))) {
            return;
        }
        try {
            keys.add(UnpackedLayout.key(file.toRealPath()));
        } catch (IOException gone) {
            // removed meanwhile: nothing to keep for it
        }
    }

    /** The blob lock of a partial blob file ({@code blobs/ETAG.p<pid>-<hex>.incomplete}); a free dummy otherwise. */
    private NamedLocks.Held blobLockOf(Path leftover) throws IOException {
        Path blobs = leftover.getParent();
        if (blobs == null || !blobs.getFileName().toString().equals("blobs") || blobs.getParent() == null) {
            return () -> { };
        }
        RepoId repo = StoreInventory.repoOf(blobs.getParent().getFileName().toString());
        String name = leftover.getFileName().toString();
        int dot = name.indexOf('.');
        if (repo == null || dot <= 0) {
            return () -> { };
        }
        try {
            return NamedLocks.tryAcquire(inventory.hubLayout().lock(repo, name.substring(0, dot)));
        } catch (dev.modelredirect.files.UnsafePathException ex) {
            return () -> { };
        }
    }

    /**
     * Deletes the blobs of a repository that no snapshot link (other than {@code ignoredLinks}), no pin and no file
     * refers to, older than {@code minAgeMillis}, whose lock is free.
     */
    private void collectBlobs(StoreInventory.HubRepo repo, Map<String, Pin> pins, Set<String> ignoredLinks,
            long minAgeMillis) throws IOException {
        Set<String> used = new HashSet<>();
        for (StoreInventory.SnapshotFile file : inventory.snapshotFiles(repo)) {
            if (file.blob() != null && !ignoredLinks.contains(file.commit() + "/" + file.path())) {
                used.add(file.blob());
            }
        }
        for (Pin pin : pins.values()) {
            if (pin instanceof Pin.Hub hub && repo.repo().equals(StoreInventory.repoOf(hub))) {
                for (PinnedFile file : hub.files()) {
                    if (file.blob() != null) {
                        used.add(file.blob());
                    }
                }
            }
        }
        long now = System.currentTimeMillis();
        for (Map.Entry<String, Long> blob : repo.blobs().entrySet()) {
            if (used.contains(blob.getKey())) {
                continue;
            }
            Path file = repo.dir().resolve("blobs").resolve(blob.getKey());
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            if (now - Files.getLastModifiedTime(file).toMillis() < minAgeMillis) {
                kept.add(inventory.root().relativize(file) + ": written less than a minute ago (a download may be "
                        + "about to link it)");
                continue;
            }
            try (NamedLocks.Held held = NamedLocks.tryAcquire(inventory.hubLayout().lock(repo.repo(),
                    blob.getKey()))) {
                if (held == null) {
                    kept.add(inventory.root().relativize(file) + ": a download holds its lock");
                    continue;
                }
                delete(file, "unreferenced blob");
            }
        }
    }

    // ---------------------------------------------------------------- deleting

    private Outcome outcome() {
        return new Outcome(List.copyOf(removed), List.copyOf(kept));
    }

    private void delete(Path path, String why) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        removed.add(new Removed(path, Files.isSymbolicLink(path) ? 0 : StoreInventory.sizeOf(path), why));
        if (!dryRun) {
            Files.deleteIfExists(path);
            deleteEmptyParents(path.getParent());
        }
    }

    private void deleteFolder(Path folder) throws IOException {
        if (!dryRun && Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
            deleteTree(folder);
        }
    }

    /** Deletes empty folders up from {@code dir}, stopping at the first that is not empty or at a store folder. */
    private void deleteEmptyParents(Path dir) {
        Path root = inventory.root();
        while (dir != null && dir.startsWith(root) && !dir.equals(root)
                && !Set.of("hub", "url", "unpacked", "blobs", "snapshots", "refs").contains(
                        dir.getFileName().toString())) {
            try {
                Files.delete(dir);
            } catch (DirectoryNotEmptyException | java.nio.file.NoSuchFileException stop) {
                return;
            } catch (IOException ex) {
                return;
            }
            dir = dir.getParent();
        }
    }

    private static boolean isEmptyRepo(Path dir) throws IOException {
        for (String part : List.of("snapshots", "blobs")) {
            Path sub = dir.resolve(part);
            if (Files.isDirectory(sub)) {
                try (var entries = Files.list(sub)) {
                    if (entries.findAny().isPresent()) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /** Deletes a file, or a folder and everything in it, links not followed. */
    static void deleteTree(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException ex) throws IOException {
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
