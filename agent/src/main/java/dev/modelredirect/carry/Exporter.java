package dev.modelredirect.carry;

import dev.modelredirect.archive.TarWriter;
import dev.modelredirect.fetch.Hashing;
import dev.modelredirect.files.AtomicFiles;
import dev.modelredirect.files.FileTrees;
import dev.modelredirect.files.SafePaths;
import dev.modelredirect.hub.RepoId;
import dev.modelredirect.json.Json;
import dev.modelredirect.json.JsonException;
import dev.modelredirect.json.JsonValues;
import dev.modelredirect.store.HubLayout;
import dev.modelredirect.store.LockFile;
import dev.modelredirect.store.ModelStore;
import dev.modelredirect.store.Pin;
import dev.modelredirect.store.PinnedFile;
import dev.modelredirect.store.StoreException;
import dev.modelredirect.store.StoreInventory;
import dev.modelredirect.store.UrlLayout;
import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code export SOURCE... -o FILE.tar}: writes the stored files of some sources, with their pins, as a tar that
 * {@link Importer} reads on another machine. The archive is a piece of a store: {@code models.lock} (a lock file
 * holding just these sources' pins) first, then in name order {@code hub/REPO/blobs/ETAG} files,
 * {@code hub/REPO/snapshots/COMMIT/PATH} relative links to them, {@code hub/REPO/refs/REV}, the file list
 * {@code hub/REPO/trees/COMMIT.json} of a whole snapshot, and {@code url/...} files
 * with their integrity records. Every stored file is hashed while it is written and must match its pin; the archive
 * appears under its name only when complete. The same store and sources give the same bytes.
 */
public final class Exporter {
    /**
     * What was exported.
     *
     * @param archive the tar written
     * @param sources the sources in it
     * @param files   how many stored files it holds
     * @param bytes   their size
     */
    public record Result(Path archive, List<String> sources, int files, long bytes) {
    }

    /** One entry of the archive: a stored file to hash against its pin, a link, or bytes. */
    private record Entry(Path file, long size, String sha256, String linkTarget, byte[] bytes) {
    }

    private final ModelStore store;
    private final HubLayout layout;

    /**
     * @param store the store, opened offline: an unpinned source it has is resolved (a hit pins it, as on any hit),
     *              and no connection may ever be opened for that
     */
    public Exporter(ModelStore store) {
        if (!store.isOffline()) {
            throw new IllegalArgumentException("export reads an offline store only; open it with offline=true");
        }
        this.store = store;
        this.layout = new HubLayout(store.root().resolve("hub"));
    }

    /**
     * Exports {@code sources} (none: every source of the lock file) to {@code output}.
     *
     * @throws StoreException naming a source that is not in the store (and {@code pull}), or a stored file that no
     *                        longer matches its pin; no archive is left behind then
     */
    public Result export(List<String> sources, Path output) throws IOException {
        Map<String, Pin> pins = pins(sources);
        Map<String, Entry> entries = new TreeMap<>();
        for (Map.Entry<String, Pin> pinned : pins.entrySet()) {
            if (pinned.getValue() instanceof Pin.Hub hub) {
                addHub(pinned.getKey(), hub, entries);
            } else {
                addFiles(pinned.getKey(), pinned.getValue(), entries);
            }
        }
        byte[] fragment = lockFragment(pins);
        Path target = output.toAbsolutePath().normalize();
        Files.createDirectories(target.getParent());
        Path temp = AtomicFiles.temporarySibling(target);
        int files = 0;
        long bytes = 0;
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(temp), 1 << 16);
                    TarWriter tar = new TarWriter(out)) {
                tar.file("models.lock", fragment);
                for (Map.Entry<String, Entry> each : entries.entrySet()) {
                    Entry entry = each.getValue();
                    if (entry.linkTarget() != null) {
                        tar.symlink(each.getKey(), entry.linkTarget());
                    } else if (entry.bytes() != null) {
                        tar.file(each.getKey(), entry.bytes());
                    } else {
                        writeChecked(tar, each.getKey(), entry);
                        files++;
                        bytes += entry.size();
                    }
                }
            }
            AtomicFiles.move(temp, target);
        } finally {
            Files.deleteIfExists(temp);
        }
        return new Result(target, List.copyOf(pins.keySet()), files, bytes);
    }

    private Map<String, Pin> pins(List<String> sources) throws IOException {
        LockFile lock = store.lockFile();
        Map<String, Pin> pins = new TreeMap<>();
        if (sources.isEmpty()) {
            pins.putAll(lock.all());
            if (pins.isEmpty()) {
                throw new StoreException("nothing to export: no SOURCE given and the lock file " + lock.path()
                        + " pins nothing. Name a source, or pull one first: `java -jar model-redirect.jar pull "
                        + "hf://ORG/NAME`");
            }
            return pins;
        }
        for (String source : sources) {
            Pin pin = lock.get(source);
            if (pin == null) {
                store.parse(source);
                try {
                    store.resolve(source);
                } catch (StoreException ex) {
                    throw new StoreException(source + " is not in the store " + store.root() + ", so it cannot be "
                            + "exported; fetch it first with `java -jar model-redirect.jar pull " + source + "`", ex);
                }
                pin = lock.get(source);
                if (pin == null) {
                    throw new StoreException(source + " is in the store " + store.root() + " but not pinned, and the "
                            + "lock file " + lock.path() + " is read-only; export from a store whose lock file pins "
                            + "it (`pull " + source + "` there)");
                }
            }
            pins.put(source, pin);
        }
        return pins;
    }

    private void addHub(String source, Pin.Hub pin, Map<String, Entry> entries) throws IOException {
        RepoId repo = StoreInventory.repoOf(pin);
        if (repo == null) {
            throw new StoreException(source + ": the repository '" + pin.repo() + "' in the lock file is not ORG/NAME; "
                    + "fix or delete that entry, then export");
        }
        String folder = "hub/" + repo.cacheFolder() + "/";
        for (PinnedFile file : pin.files()) {
            String blob = file.blob() != null ? file.blob() : blobOf(repo, pin.commit(), file.path());
            Path stored = layout.blob(repo, blob);
            if (!Files.isRegularFile(stored) || Files.size(stored) != file.size()) {
                throw new StoreException(source + ": the file " + file.path() + " (blob " + blob + ") is missing "
                        + "from the store " + store.root() + "; fetch it again with `java -jar model-redirect.jar "
                        + "pull " + source + "`, then export");
            }
            SafePaths.resolve(layout.root(), repo.cacheFolder() + "/snapshots/" + pin.commit() + "/" + file.path(),
                    "file path");
            entries.put(folder + "blobs/" + blob, new Entry(stored, file.size(), file.sha256(), null, null));
            entries.put(folder + "snapshots/" + pin.commit() + "/" + file.path(),
                    new Entry(null, 0, null, HubLayout.linkTarget(file.path(), blob).toString(), null));
        }
        byte[] tree = treeOf(repo, pin);
        if (tree != null) {
            entries.put(folder + "trees/" + pin.commit() + ".json", new Entry(null, 0, null, null, tree));
        }
        if (!HubLayout.isCommit(pin.revision())) {
            layout.ref(repo, pin.revision());
            entries.put(folder + "refs/" + pin.revision(),
                    new Entry(null, 0, null, null, pin.commit().getBytes(StandardCharsets.US_ASCII)));
        }
    }

    /**
     * The store's file list of the pinned commit when it lists exactly the pinned files (a whole snapshot), so that
     * the other store knows the snapshot is complete under any spelling of the source; else null.
     */
    private byte[] treeOf(RepoId repo, Pin.Hub pin) throws IOException {
        Path tree = layout.tree(repo, pin.commit());
        if (!Files.isRegularFile(tree)) {
            return null;
        }
        byte[] bytes = Files.readAllBytes(tree);
        try {
            Map<String, Object> files = JsonValues.object(Json.parseObject(new String(bytes,
                    StandardCharsets.UTF_8)), "files");
            java.util.Set<String> pinned = new java.util.HashSet<>();
            pin.files().forEach(file -> pinned.add(file.path()));
            return files != null && files.keySet().equals(pinned) ? bytes : null;
        } catch (JsonException ex) {
            return null;
        }
    }

    private String blobOf(RepoId repo, String commit, String path) throws IOException {
        Path link = layout.snapshotFile(repo, commit, path);
        if (Files.isSymbolicLink(link)) {
            return Files.readSymbolicLink(link).getFileName().toString();
        }
        throw new StoreException("the file " + path + " of " + repo + " at " + commit + " has no blob in the store "
                + store.root() + "; fetch it again with `pull`, then export");
    }

    /** The files of a URL or DJL zoo pin, each under its path relative to the store. */
    private void addFiles(String source, Pin pin, Map<String, Entry> entries) throws IOException {
        for (PinnedFile file : pin.files()) {
            Path stored = SafePaths.resolve(store.root(), file.path(), "stored path");
            if (!Files.isRegularFile(stored) || Files.size(stored) != file.size()) {
                throw new StoreException(source + ": the file " + stored + " is missing from the store; fetch it "
                        + "again with `java -jar model-redirect.jar pull " + source + "`, then export");
            }
            entries.put(file.path(), new Entry(stored, file.size(), file.sha256(), null, null));
            Path meta = UrlLayout.meta(stored);
            if (Files.isRegularFile(meta)) {
                entries.put(file.path() + UrlLayout.META_SUFFIX, new Entry(null, 0, null, null,
                        Files.readAllBytes(meta)));
            }
        }
    }

    /** The pins as a lock file of their own, made by {@link LockFile} in a scratch folder. */
    private static byte[] lockFragment(Map<String, Pin> pins) throws IOException {
        Path scratch = Files.createTempDirectory("model-redirect-export");
        try {
            LockFile fragment = new LockFile(scratch.resolve("models.lock"), scratch.resolve("models.lock.lock"));
            for (Map.Entry<String, Pin> pin : pins.entrySet()) {
                fragment.put(pin.getKey(), pin.getValue());
            }
            return Files.readAllBytes(fragment.path());
        } finally {
            FileTrees.deleteTree(scratch);
        }
    }

    private void writeChecked(TarWriter tar, String name, Entry entry) throws IOException {
        Hashing hashing = new Hashing(entry.size(), false);
        try (InputStream in = new FilterInputStream(Files.newInputStream(entry.file())) {
            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = super.read(buffer, offset, length);
                if (n > 0) {
                    hashing.update(buffer, offset, n);
                }
                return n;
            }
        }) {
            tar.file(name, entry.size(), in);
        }
        String actual = hashing.finish().sha256();
        if (!actual.equals(entry.sha256())) {
            throw new StoreException("the stored file " + entry.file() + " does not match its pin (sha256 " + actual
                    + ", pinned " + entry.sha256() + "): it is corrupted, so nothing was exported. Run `java -jar "
                    + "model-redirect.jar verify --repair`, pull the source again, then export");
        }
    }

    /** A summary for scripts. */
    public static Map<String, Object> toJson(Result result) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("archive", result.archive().toString());
        json.put("sources", result.sources());
        json.put("files", result.files());
        json.put("bytes", result.bytes());
        return json;
    }
}
