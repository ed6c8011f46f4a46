package dev.modelredirect.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * {@code gc}: deletes abandoned temporary files, the blobs no snapshot link or pin refers to, and the unpacked folders
 * of archives that are gone. Never deletes a file a running download holds: a partial file whose owner process is
 * alive, or a blob (or partial blob) whose named lock is held, is kept and said so; an unreferenced blob younger than
 * {@link #FRESH_BLOB_MILLIS} too (a download may be about to link it). A read-only store is refused before anything is
 * touched.
 */
public final class GarbageCollector {
    /** An unreferenced blob younger than this may be one a download has just published and not yet linked. */
    public static final long FRESH_BLOB_MILLIS = PartialFiles.STALE_MILLIS;

    private final StoreInventory inventory;
    private final StoreCleanup cleanup;

    /** A collector that deletes (or, with {@code dryRun}, reports) what the store no longer needs. */
    public GarbageCollector(StoreInventory inventory, boolean dryRun) {
        this(inventory, new StoreCleanup(inventory.root(), dryRun));
    }

    GarbageCollector(StoreInventory inventory, StoreCleanup cleanup) {
        this.inventory = inventory;
        this.cleanup = cleanup;
    }

    /**
     * Deletes abandoned temporary files, the blobs no snapshot link or pin refers to, and the unpacked folders of
     * archives that are gone.
     */
    public StoreCleanup.Outcome collect() throws IOException {
        if (inventory.readOnly()) {
            throw StoreCleanup.readOnly(inventory.root(), "gc");
        }
        for (StoreInventory.Leftover leftover : inventory.leftovers()) {
            if (!leftover.abandoned()) {
                cleanup.keep(inventory.root().relativize(leftover.path()) + ": a download or write in progress");
                continue;
            }
            try (NamedLocks.Held held = inventory.claim(leftover.path())) {
                if (held == null) {
                    cleanup.keep(inventory.root().relativize(leftover.path()) + ": its download holds the lock");
                    continue;
                }
                cleanup.removeTree(leftover.path(), leftover.bytes(), "abandoned temporary file");
            }
        }
        Map<String, Pin> pins = inventory.pins();
        for (StoreInventory.HubRepo repo : inventory.hubRepos()) {
            collectBlobs(repo, pins, Set.of(), FRESH_BLOB_MILLIS);
        }
        collectUnpacked();
        return cleanup.outcome();
    }

    /** Deletes the unpacked folders whose stored file is gone (removed, repaired, or replaced by another size). */
    void collectUnpacked() throws IOException {
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
                    cleanup.removeTree(folder, StoreInventory.sizeOf(folder), "unpacked, archive gone");
                }
            }
        }
    }

    private void addKey(Set<String> keys, Path file) {
        if (cleanup.isRemoved(file)) {
            return;
        }
        try {
            keys.add(UnpackedLayout.key(file.toRealPath()));
        } catch (IOException gone) {
            // removed meanwhile: nothing to keep for it
        }
    }

    /**
     * Deletes the blobs of a repository that no snapshot link (other than {@code ignoredLinks}), no pin and no file
     * refers to, older than {@code minAgeMillis}, whose lock is free.
     */
    void collectBlobs(StoreInventory.HubRepo repo, Map<String, Pin> pins, Set<String> ignoredLinks,
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
        Map<String, NamedLocks.Held> candidates = new java.util.TreeMap<>();
        try {
            for (Map.Entry<String, Long> blob : repo.blobs().entrySet()) {
                if (used.contains(blob.getKey())) {
                    continue;
                }
                Path file = repo.dir().resolve("blobs").resolve(blob.getKey());
                if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                if (now - Files.getLastModifiedTime(file).toMillis() < minAgeMillis) {
                    cleanup.keep(inventory.root().relativize(file) + ": written less than a minute ago (a download "
                            + "may be about to link it)");
                    continue;
                }
                NamedLocks.Held held = NamedLocks.tryAcquire(inventory.hubLayout().lock(repo.repo(), blob.getKey()));
                if (held == null) {
                    cleanup.keep(inventory.root().relativize(file) + ": a download holds its lock");
                    continue;
                }
                candidates.put(blob.getKey(), held);
            }
            if (candidates.isEmpty()) {
                return;
            }
            // whoever placed a blob links it before releasing its lock: links made since the inventory count too
            Set<String> linkedNow = linkedBlobs(repo.dir().resolve("snapshots"), ignoredLinks);
            for (String blob : candidates.keySet()) {
                if (!linkedNow.contains(blob)) {
                    cleanup.delete(repo.dir().resolve("blobs").resolve(blob), "unreferenced blob");
                }
            }
        } finally {
            candidates.values().forEach(NamedLocks.Held::close);
        }
    }

    /** The blobs the snapshot links under {@code snapshots} lead to now (except {@code ignoredLinks}, COMMIT/PATH). */
    private static Set<String> linkedBlobs(Path snapshots, Set<String> ignoredLinks) throws IOException {
        Set<String> linked = new HashSet<>();
        if (!Files.isDirectory(snapshots, LinkOption.NOFOLLOW_LINKS)) {
            return linked;
        }
        try (var walk = Files.walk(snapshots)) {
            for (Path link : walk.filter(Files::isSymbolicLink).toList()) {
                String relative = snapshots.relativize(link).toString().replace('\\', '/');
                if (!ignoredLinks.contains(relative)) {
                    linked.add(Files.readSymbolicLink(link).getFileName().toString());
                }
            }
        } catch (java.io.UncheckedIOException ex) {
            throw ex.getCause();
        }
        return linked;
    }
}
