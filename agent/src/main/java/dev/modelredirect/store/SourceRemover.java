package dev.modelredirect.store;

import dev.modelredirect.files.FileTrees;

import dev.modelredirect.files.SafePaths;
import dev.modelredirect.hub.RepoId;
import dev.modelredirect.json.JsonValues;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code rm}: deletes one source: its pin, its snapshot links no other pin lists, the blobs nothing else uses, and the
 * unpacked folders of its archives; an unpinned repository or URL file is deleted whole. The source is found as the
 * lock file spells it or as a user types it ({@code hf://org/name} finds {@code hf://org/name@main}); an unknown one
 * is an error naming close matches. Never deletes a blob whose download holds its lock; a read-only store or lock
 * file is refused before anything is touched.
 */
public final class SourceRemover {
    private final StoreInventory inventory;
    private final SourceParser parser;
    private final StoreCleanup cleanup;
    private final GarbageCollector collector;

    /**
     * @param inventory the store
     * @param endpoint  the Hub endpoint, to read Hub URLs as sources
     * @param dryRun    report, delete nothing
     */
    public SourceRemover(StoreInventory inventory, String endpoint, boolean dryRun) {
        this.inventory = inventory;
        this.parser = new SourceParser(endpoint);
        this.cleanup = new StoreCleanup(inventory.root(), dryRun);
        this.collector = new GarbageCollector(inventory, cleanup);
    }

    /**
     * Removes a source as the lock file or the user spells it ({@code hf://org/name} finds {@code hf://org/name@main};
     * an unpinned repository in the store is removed whole).
     *
     * @throws StoreException when no source matches (naming close matches), or the store or lock file is read-only
     */
    public StoreCleanup.Outcome remove(String spelled) throws IOException {
        if (inventory.readOnly()) {
            throw StoreCleanup.readOnly(inventory.root(), "rm");
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
            if (!cleanup.dryRun()) {
                inventory.lockFile().remove(key);
                new LastUse(inventory.root()).forget(key);
            }
            pins.remove(key);
            if (pin instanceof Pin.Hub hub) {
                removePinnedHub(hub, pins);
            } else if (pin instanceof Pin.Djl djl) {
                removePinnedZoo(djl, pins);
            } else {
                removePinnedUrl((Pin.Url) pin, pins);
            }
            collector.collectUnpacked();
            return cleanup.outcome();
        }
        StoreInventory.HubRepo repo = unpinnedRepo(spelled);
        if (repo != null) {
            removeRepoFolder(repo);
            collector.collectUnpacked();
            return cleanup.outcome();
        }
        Path urlFile = unpinnedUrlFile(spelled);
        if (urlFile != null) {
            cleanup.delete(urlFile, "unpinned URL file");
            cleanup.delete(UrlLayout.meta(urlFile), "integrity record");
            collector.collectUnpacked();
            return cleanup.outcome();
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
                    && Objects.equals(x.path(), y.path());
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
        Set<String> known = new TreeSet<>(pins.keySet());
        for (StoreInventory.HubRepo repo : inventory.hubRepos()) {
            known.add(repo.label());
        }
        String needle = spelled.toLowerCase(Locale.ROOT).replaceFirst("^hf://", "")
                .replaceFirst("^https?://", "");
        int at = needle.indexOf('@');
        String stem = at > 0 ? needle.substring(0, at) : needle;
        List<String> close = known.stream().filter(k -> {
            String lower = k.toLowerCase(Locale.ROOT);
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
            Path link = SafePaths.resolve(repo.dir().resolve("snapshots").resolve(pin.commit()), file.path(),
                    "the pinned file of " + pin.repo());
            if (Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
                cleanup.delete(link, "snapshot file");
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
            cleanup.deleteFolder(snapshot);
            cleanup.delete(repo.dir().resolve("trees").resolve(pin.commit() + ".json"), "file list of the snapshot");
            for (Map.Entry<String, String> ref : repo.refs().entrySet()) {
                if (ref.getValue().equals(pin.commit())) {
                    cleanup.delete(repo.dir().resolve("refs").resolve(ref.getKey()), "ref to the snapshot");
                }
            }
        }
        collector.collectBlobs(repo, remaining, removedLinks, 0);
        if (!cleanup.dryRun() && isEmptyRepo(repo.dir())) {
            FileTrees.deleteTree(repo.dir());
            FileTrees.deleteTree(repo.dir().getParent().resolve(".locks").resolve(repo.dir().getFileName()));
        }
    }

    /** The files (under the store root) of every pin of one kind. */
    private Set<Path> filesOf(Map<String, Pin> pins, Class<? extends Pin> kind) {
        Set<Path> files = new HashSet<>();
        for (Pin other : pins.values()) {
            if (kind.isInstance(other)) {
                for (PinnedFile file : other.files()) {
                    files.add(inventory.root().resolve(file.path()).normalize());
                }
            }
        }
        return files;
    }

    /** The zoo files of a DJL pin that no other pin names. */
    private void removePinnedZoo(Pin.Djl pin, Map<String, Pin> remaining) throws IOException {
        Set<Path> stillPinned = filesOf(remaining, Pin.Djl.class);
        for (PinnedFile file : pin.files()) {
            Path path = inventory.root().resolve(file.path()).normalize();
            if (path.startsWith(inventory.root().resolve(ZooLayout.FOLDER)) && !stillPinned.contains(path)) {
                cleanup.delete(path, "DJL zoo file");
            }
        }
    }

    private void removePinnedUrl(Pin.Url pin, Map<String, Pin> remaining) throws IOException {
        Set<Path> stillPinned = filesOf(remaining, Pin.Url.class);
        for (PinnedFile file : pin.files()) {
            Path path = inventory.root().resolve(file.path()).normalize();
            if (path.startsWith(inventory.root().resolve("url")) && !stillPinned.contains(path)) {
                cleanup.delete(path, "URL file");
                cleanup.delete(UrlLayout.meta(path), "integrity record");
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
        cleanup.removeTree(repo.dir(), StoreInventory.sizeOf(repo.dir()), "unpinned repository");
        if (!cleanup.dryRun()) {
            FileTrees.deleteTree(repo.dir().getParent().resolve(".locks").resolve(repo.dir().getFileName()));
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
}
