package dev.modelredirect.carry;

import dev.modelredirect.archive.TarReader;
import dev.modelredirect.fetch.ExpectedDigest;
import dev.modelredirect.fetch.Hashing;
import dev.modelredirect.files.AtomicFiles;
import dev.modelredirect.files.FileTrees;
import dev.modelredirect.files.GroupAccess;
import dev.modelredirect.files.SafePaths;
import dev.modelredirect.hub.RepoId;
import dev.modelredirect.json.Json;
import dev.modelredirect.json.JsonException;
import dev.modelredirect.json.JsonValues;
import dev.modelredirect.store.HubLayout;
import dev.modelredirect.files.UnsafePathException;
import dev.modelredirect.store.LockFile;
import dev.modelredirect.store.NamedLocks;
import dev.modelredirect.store.Pin;
import dev.modelredirect.store.PinnedFile;
import dev.modelredirect.store.StoreException;
import dev.modelredirect.store.StoreInventory;
import dev.modelredirect.store.UrlLayout;
import dev.modelredirect.store.WebUrl;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code import FILE.tar}: brings an archive written by {@link Exporter} into the store.
 *
 * <p>The archive is read once, streaming, into a staging folder inside the store (so the final moves are renames on
 * one file system), hashing every file on the way. Nothing becomes visible until every entry has passed: names must
 * be plain relative paths under {@code hub/} or {@code url/} (or the {@code models.lock} fragment), links may only be
 * snapshot links to their repository's blobs (hard links only to earlier entries), no devices or other special
 * entries; every blob must match its name, every pinned file its pin. Then it is published in the order readers
 * need: blobs and URL files (each blob's named lock held until its snapshot link exists, so gc and rm keep it), snapshot
 * links, file lists and refs (where the store has none), the ref of every pin that moves (moved with it, as
 * {@code pull --update} does, so other Hub clients sharing {@code hub/} see the pinned commit), and last the pins,
 * merged into the store's lock file through {@link LockFile}. A URL pin may only name the file where the store keeps
 * its URL. An import never replaces a stored file: one the store holds with the same bytes is already present, one
 * with other bytes refuses the archive. A refused archive leaves the store exactly as it was.
 */
public final class Importer {
    /**
     * What an import did.
     *
     * @param sources        the sources pinned (new or moved)
     * @param unchanged      sources the lock file already pinned the same way
     * @param files          stored files added
     * @param bytes          their size
     * @param alreadyPresent files of the archive the store had already
     */
    public record Result(List<String> sources, List<String> unchanged, int files, long bytes, int alreadyPresent) {
        public Map<String, Object> toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("pinned", sources);
            json.put("unchanged", unchanged);
            json.put("files", files);
            json.put("bytes", bytes);
            json.put("alreadyPresent", alreadyPresent);
            return json;
        }
    }

    private final Path root;
    private final LockFile lockFile;
    private final HubLayout layout;

    public Importer(Path root, LockFile lockFile) {
        this.root = root.toAbsolutePath().normalize();
        this.lockFile = lockFile;
        this.layout = new HubLayout(this.root.resolve("hub"));
    }

    /**
     * Imports {@code archive}.
     *
     * @throws StoreException for a read-only store, or an archive refused (escaping or special entries, a file that
     *                        fails its hash, a missing pin); the store is then as it was
     */
    public Result importArchive(Path archive) throws IOException {
        if (!Files.isRegularFile(archive)) {
            throw new StoreException("cannot import " + archive + ": no such file; name a .tar written by `export`");
        }
        if (!isWritable(root)) {
            throw new StoreException("the store " + root + " is read-only, so nothing is imported; import into a "
                    + "writable store (--store DIR), or make " + root + " writable");
        }
        if (!lockFile.isWritable()) {
            throw new StoreException("the lock file " + lockFile.path() + " is read-only, so the archive's pins could"
                    + " not be recorded and nothing is imported; make it writable or name another with --lockfile");
        }
        boolean created = !Files.exists(root);
        GroupAccess.createDirectories(root);
        Path staging = AtomicFiles.temporarySibling(root.resolve("import"));
        NamedLocks.Held inUse = null;
        try {
            Files.createDirectory(staging);
            // held while the import runs, so gc and verify --repair leave the staging folder alone
            inUse = NamedLocks.acquire(staging.resolve(StoreInventory.IMPORT_LOCK), "import");
            Map<String, Hashing.Digests> staged = stage(archive, staging);
            Map<String, Pin> pins = verify(archive, staging, staged);
            return publish(archive, staging, staged, pins);
        } catch (IOException | RuntimeException ex) {
            FileTrees.deleteTree(staging);
            if (created) {
                FileTrees.deleteTree(root);
            }
            throw ex;
        } finally {
            FileTrees.deleteTree(staging);
            if (inUse != null) {
                inUse.close();
            }
        }
    }

    // ---------------------------------------------------------------- reading

    private Map<String, Hashing.Digests> stage(Path archive, Path staging) throws IOException {
        Map<String, Hashing.Digests> staged = new TreeMap<>();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(archive), 1 << 16)) {
            TarReader tar = new TarReader(in);
            TarReader.Entry entry;
            while ((entry = tar.next()) != null) {
                String name = entry.name();
                while (name.startsWith("./")) {
                    name = name.substring(2);
                }
                if (entry.type() == '5' && name.endsWith("/")) {
                    name = name.substring(0, name.length() - 1);
                }
                if (name.isEmpty() || name.equals(".")) {
                    continue;
                }
                String problem = SafePaths.problem(name);
                if (problem != null) {
                    throw refused(archive, entry.name(), problem + " (a path that could escape the store)");
                }
                if (!name.equals("models.lock") && !name.startsWith("hub/") && !name.startsWith("url/")
                        && !name.startsWith("zoo/") && !name.equals("hub") && !name.equals("url")
                        && !name.equals("zoo")) {
                    throw refused(archive, name, "it is outside hub/, url/, zoo/ and models.lock, the only parts of "
                            + "a store an archive carries");
                }
                switch (entry.type()) {
                    case '5' -> GroupAccess.createDirectories(staging.resolve(name));
                    case '0', '7' -> staged.put(name, write(archive, staging, name, entry.size(), tar.data()));
                    case '2' -> checkSnapshotLink(archive, name, entry.linkName());
                    case '1' -> staged.put(name, hardLink(archive, staging, name, entry.linkName(), staged));
                    default -> throw refused(archive, name, "it is a special entry (tar type '" + entry.type()
                            + "': a device, fifo or other), which an archive of models never holds");
                }
            }
        }
        return staged;
    }

    private static Hashing.Digests write(Path archive, Path staging, String name, long size, InputStream data)
            throws IOException {
        Path file = staging.resolve(name);
        GroupAccess.createDirectories(file.getParent());
        if (Files.exists(file)) {
            throw refused(archive, name, "it appears twice");
        }
        Hashing hashing = new Hashing(size, true);
        byte[] buffer = new byte[1 << 16];
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW)) {
            int n;
            while ((n = data.read(buffer)) > 0) {
                hashing.update(buffer, 0, n);
                out.write(buffer, 0, n);
            }
        }
        GroupAccess.share(file);
        return hashing.finish();
    }

    /** A symbolic link must be {@code hub/REPO/snapshots/COMMIT/PATH -> ../../(../)*blobs/ETAG} of its own repo. */
    private static void checkSnapshotLink(Path archive, String name, String target) throws StoreException {
        String[] parts = name.split("/", 5);
        boolean snapshot = parts.length == 5 && parts[0].equals("hub") && parts[2].equals("snapshots")
                && HubLayout.isCommit(parts[3]);
        if (target.startsWith("/") || target.contains("\\")) {
            throw refused(archive, name, "it is a symbolic link to the absolute path '" + target + "'");
        }
        Path parent = Path.of(name).getParent();
        Path resolved = (parent == null ? Path.of(target) : parent.resolve(target)).normalize();
        if (resolved.startsWith("..") || !resolved.startsWith("hub") || resolved.getNameCount() < 2) {
            throw refused(archive, name, "it is a symbolic link to '" + target + "', which leads outside the "
                    + "store's hub/ folder");
        }
        String blob = resolved.getFileName().toString();
        if (!snapshot || !resolved.equals(Path.of("hub", parts[1], "blobs", blob))
                || !HubLayout.linkTarget(parts[4], blob).toString().equals(target)) {
            throw refused(archive, name, "it is a symbolic link to '" + target + "', not a snapshot link to a blob "
                    + "of its repository");
        }
    }

    private static Hashing.Digests hardLink(Path archive, Path staging, String name, String target,
            Map<String, Hashing.Digests> staged) throws IOException {
        String problem = SafePaths.problem(target);
        if (problem != null || !staged.containsKey(target)) {
            throw refused(archive, name, "it is a hard link to '" + target + "', which is not a file earlier in the "
                    + "archive (a hard link outside it)");
        }
        Path file = staging.resolve(name);
        GroupAccess.createDirectories(file.getParent());
        Files.createLink(file, staging.resolve(target));
        return staged.get(target);
    }

    // ---------------------------------------------------------------- checking

    private Map<String, Pin> verify(Path archive, Path staging, Map<String, Hashing.Digests> staged)
            throws IOException {
        if (!staged.containsKey("models.lock")) {
            throw refused(archive, "models.lock", "it is missing, so this is not an archive written by `export`");
        }
        Map<String, Pin> pins;
        try {
            pins = new LockFile(staging.resolve("models.lock"), staging.resolve(".fragment.lock")).all();
        } catch (StoreException ex) {
            throw refused(archive, "models.lock", ex.getMessage());
        }
        Map<String, String> accounted = new HashMap<>();
        java.util.Set<String> commits = new java.util.HashSet<>();
        accounted.put("models.lock", "pins");
        for (Map.Entry<String, Pin> entry : pins.entrySet()) {
            if (entry.getValue() instanceof Pin.Hub hub) {
                verifyHub(archive, staging, entry.getKey(), hub, staged, accounted, commits);
            } else if (entry.getValue() instanceof Pin.Djl djl) {
                verifyZoo(archive, entry.getKey(), djl, staged, accounted);
            } else {
                verifyUrl(archive, entry.getKey(), (Pin.Url) entry.getValue(), staged, accounted);
            }
        }
        for (Map.Entry<String, Hashing.Digests> file : staged.entrySet()) {
            String name = file.getKey();
            if (accounted.containsKey(name)) {
                continue;
            }
            if (commits.contains(name)) {
                checkTree(archive, staging, name);
            } else if (name.startsWith("url/") && name.endsWith(UrlLayout.META_SUFFIX)
                    && accounted.containsKey(name.substring(0, name.length() - UrlLayout.META_SUFFIX.length()))) {
                try {
                    Json.parseObject(Files.readString(staging.resolve(name), StandardCharsets.UTF_8));
                } catch (JsonException ex) {
                    throw refused(archive, name, "the integrity record is not valid JSON");
                }
            } else {
                throw refused(archive, name, "no pin of the archive's models.lock names it");
            }
        }
        return pins;
    }

    /** A file list must be JSON whose {@code files} are plain relative paths. */
    private static void checkTree(Path archive, Path staging, String name) throws IOException {
        try {
            Map<String, Object> files = JsonValues.object(Json.parseObject(Files.readString(staging.resolve(name),
                    StandardCharsets.UTF_8)), "files");
            if (files == null || !files.keySet().stream().allMatch(SafePaths::isSafe)) {
                throw refused(archive, name, "a file list must name plain relative paths under \"files\"");
            }
        } catch (JsonException ex) {
            throw refused(archive, name, "the file list is not valid JSON");
        }
    }

    private void verifyHub(Path archive, Path staging, String source, Pin.Hub pin, Map<String, Hashing.Digests> staged,
            Map<String, String> accounted, java.util.Set<String> commits) throws IOException {
        String[] parts = pin.repo().split("/", 2);
        RepoId repo;
        try {
            repo = new RepoId(pin.type(), parts[0], parts.length > 1 ? parts[1] : "");
        } catch (IllegalArgumentException ex) {
            throw refused(archive, "models.lock", "the pin of " + source + ": " + ex.getMessage());
        }
        if (!HubLayout.isCommit(pin.commit())) {
            throw refused(archive, "models.lock", "the pin of " + source + " has no 40-hex commit");
        }
        layout.ref(repo, pin.revision());
        String folder = "hub/" + repo.cacheFolder() + "/";
        commits.add(folder + "trees/" + pin.commit() + ".json");
        String ref = folder + "refs/" + pin.revision();
        if (staged.containsKey(ref)) {
            String commit = Files.readString(staging.resolve(ref), StandardCharsets.US_ASCII).trim();
            if (!commit.equals(pin.commit())) {
                throw refused(archive, ref, "it names the commit " + commit + " but the pin of " + source + " says "
                        + pin.commit());
            }
            accounted.put(ref, source);
        }
        for (PinnedFile file : pin.files()) {
            layout.snapshotFile(repo, pin.commit(), file.path());
            if (file.blob() == null || ExpectedDigest.fromEtag(file.blob()) == null) {
                throw refused(archive, "models.lock", "the pin of " + source + " names no verifiable blob for "
                        + file.path());
            }
            String name = "hub/" + repo.cacheFolder() + "/blobs/" + file.blob();
            Hashing.Digests digests = staged.get(name);
            if (digests == null) {
                Path present = layout.blob(repo, file.blob());
                if (Files.isRegularFile(present) && Files.size(present) == file.size()) {
                    continue;
                }
                throw refused(archive, name, "the archive lacks this blob of " + source + " (" + file.path() + ")");
            }
            String problem = Digests.blobProblem(file.blob(), digests);
            if (problem == null && !digests.sha256().equals(file.sha256())) {
                problem = "its sha256 " + digests.sha256() + " is not the pinned " + file.sha256();
            }
            if (problem == null && file.size() >= 0 && digests.size() != file.size()) {
                problem = "its size " + digests.size() + " is not the pinned " + file.size();
            }
            if (problem != null) {
                throw refused(archive, name, problem + " (" + source + ", " + file.path() + ")");
            }
            accounted.put(name, source);
        }
    }

    /** A DJL zoo pin's files: under zoo/ (the lock file reader checked the paths), each with its pinned sha256. */
    private void verifyZoo(Path archive, String source, Pin.Djl pin, Map<String, Hashing.Digests> staged,
            Map<String, String> accounted) throws StoreException {
        for (PinnedFile file : pin.files()) {
            checkStaged(archive, source, file, staged, accounted);
        }
    }

    /** A pinned file is in the archive with its pinned sha256; it is then accounted to its source. */
    private void checkStaged(Path archive, String source, PinnedFile file, Map<String, Hashing.Digests> staged,
            Map<String, String> accounted) throws StoreException {
        Hashing.Digests digests = staged.get(file.path());
        if (digests == null) {
            throw refused(archive, file.path(), "the archive lacks this file of " + source);
        }
        if (!digests.sha256().equals(file.sha256())) {
            throw refused(archive, file.path(), "its sha256 " + digests.sha256() + " is not the pinned "
                    + file.sha256() + " (" + source + ")");
        }
        accounted.put(file.path(), source);
    }

    private void verifyUrl(Path archive, String source, Pin.Url pin, Map<String, Hashing.Digests> staged,
            Map<String, String> accounted) throws StoreException {
        for (PinnedFile file : pin.files()) {
            if (!file.path().startsWith("url/") || !SafePaths.isSafe(file.path())) {
                throw refused(archive, "models.lock", "the pin of " + source + " names the file '" + file.path()
                        + "' outside url/");
            }
            String place = urlPlace(source.trim());
            if (place == null || !place.equals(urlPlace(pin.url())) || !place.equals(file.path())) {
                throw refused(archive, file.path(), "the pin of " + source + " (URL " + pin.url() + ") names this "
                        + "file, but the store keeps that URL at '" + (place == null ? "?" : place) + "' (a pin may "
                        + "only name its own URL's file, never another source's)");
            }
            checkStaged(archive, source, file, staged, accounted);
        }
    }

    /** Where the store keeps the URL {@code text}, relative to the store ({@code url/...}); null for no URL. */
    private String urlPlace(String text) {
        WebUrl url = WebUrl.parse(text);
        if (url == null) {
            return null;
        }
        try {
            return root.relativize(new UrlLayout(root.resolve("url")).file(url)).toString().replace('\\', '/');
        } catch (UnsafePathException ex) {
            return null;
        }
    }

    /**
     * The archive's files the store already holds with the same bytes (blobs and URL files; a URL file's record goes
     * with it). Refuses the archive when a file it would place is in the store with other bytes, or a snapshot link
     * it would make exists and leads elsewhere: an import never replaces what the store holds.
     */
    private java.util.Set<String> alreadyPresent(Path archive, Map<String, Hashing.Digests> staged,
            Map<String, Pin> pins) throws IOException {
        java.util.Set<String> present = new java.util.HashSet<>();
        for (Map.Entry<String, Hashing.Digests> file : staged.entrySet()) {
            String name = file.getKey();
            if (name.equals("models.lock") || name.contains("/refs/") || name.contains("/trees/")
                    || name.startsWith("url/") && name.endsWith(UrlLayout.META_SUFFIX)) {
                continue;
            }
            Path target = root.resolve(name);
            if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            String stored = Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)
                    ? Hashing.digestsOf(target).sha256() : null;
            if (!file.getValue().sha256().equals(stored)) {
                throw conflict(archive, name, stored == null ? "is not a regular file"
                        : "holds other bytes (sha256 " + stored + ", the archive's " + file.getValue().sha256() + ")");
            }
            present.add(name);
            if (name.startsWith("url/")) {
                present.add(name + UrlLayout.META_SUFFIX);
            }
        }
        for (Pin pin : pins.values()) {
            if (pin instanceof Pin.Hub hub) {
                RepoId repo = repoOf(hub);
                for (PinnedFile file : hub.files()) {
                    Path link = layout.snapshotFile(repo, hub.commit(), file.path());
                    if (Files.isSymbolicLink(link) && !Files.readSymbolicLink(link)
                            .equals(HubLayout.linkTarget(file.path(), file.blob()))) {
                        throw conflict(archive, root.relativize(link).toString(), "is a snapshot link to "
                                + Files.readSymbolicLink(link) + ", not to the pinned blob " + file.blob());
                    }
                }
            }
        }
        return present;
    }

    private static RepoId repoOf(Pin.Hub hub) {
        String[] parts = hub.repo().split("/", 2);
        return new RepoId(hub.type(), parts[0], parts[1]);
    }

    // ---------------------------------------------------------------- publishing

    private Result publish(Path archive, Path staging, Map<String, Hashing.Digests> staged, Map<String, Pin> pins)
            throws IOException {
        java.util.Set<String> present = alreadyPresent(archive, staged, pins);
        int files = 0;
        long bytes = 0;
        List<String> refs = new ArrayList<>();
        List<NamedLocks.Held> locks = new ArrayList<>();
        try {
            for (Map.Entry<String, Hashing.Digests> file : staged.entrySet()) {
                String name = file.getKey();
                if (name.equals("models.lock") || present.contains(name)) {
                    continue;
                }
                if (name.contains("/refs/") || name.contains("/trees/")) {
                    refs.add(name);
                    continue;
                }
                Path target = root.resolve(name);
                if (name.startsWith("hub/")) {
                    // held until its snapshot link exists, so gc and rm keep the blob meanwhile
                    locks.add(NamedLocks.acquire(blobLock(name), name));
                }
                GroupAccess.createDirectories(target.getParent());
                AtomicFiles.move(staging.resolve(name), target);
                if (!name.endsWith(UrlLayout.META_SUFFIX)) {
                    files++;
                    bytes += file.getValue().size();
                }
            }
            for (Pin pin : pins.values()) {
                if (pin instanceof Pin.Hub hub) {
                    RepoId repo = repoOf(hub);
                    for (PinnedFile file : hub.files()) {
                        Path link = layout.snapshotFile(repo, hub.commit(), file.path());
                        if (!Files.isRegularFile(link)) {
                            AtomicFiles.link(link, HubLayout.linkTarget(file.path(), file.blob()),
                                    layout.blob(repo, file.blob()));
                        }
                    }
                }
            }
        } finally {
            for (NamedLocks.Held lock : locks) {
                lock.close();
            }
        }
        for (String name : refs) {
            Path target = root.resolve(name);
            if (!Files.exists(target)) {
                GroupAccess.createDirectories(target.getParent());
                AtomicFiles.move(staging.resolve(name), target);
            }
        }
        for (Map.Entry<String, Pin> pin : pins.entrySet()) {
            if (pin.getValue() instanceof Pin.Hub hub && !hub.revision().equals(hub.commit())
                    && !hub.equals(lockFile.get(pin.getKey()))) {
                // the ref moves with the pin (as pull --update moves both), so other Hub clients see the same commit
                RepoId repo = repoOf(hub);
                if (!hub.commit().equals(layout.readRef(repo, hub.revision()))) {
                    Path ref = layout.ref(repo, hub.revision());
                    GroupAccess.createDirectories(ref.getParent());
                    AtomicFiles.write(ref, hub.commit().getBytes(StandardCharsets.US_ASCII));
                }
            }
        }
        List<String> pinned = new ArrayList<>();
        List<String> unchanged = new ArrayList<>();
        for (Map.Entry<String, Pin> pin : pins.entrySet()) {
            (lockFile.put(pin.getKey(), pin.getValue()) ? pinned : unchanged).add(pin.getKey());
        }
        int alreadyPresent = (int) present.stream().filter(name -> !name.endsWith(UrlLayout.META_SUFFIX)).count();
        return new Result(pinned, unchanged, files, bytes, alreadyPresent);
    }

    /** The named lock of the blob {@code hub/FOLDER/blobs/ETAG}. */
    private Path blobLock(String name) throws IOException {
        String[] parts = name.split("/");
        return layout.lock(RepoId.fromCacheFolder(parts[1]), parts[parts.length - 1]);
    }

    // ---------------------------------------------------------------- helpers

    private static StoreException conflict(Path archive, String entry, String why) {
        return new StoreException("refused the archive " + archive + ": the store's " + printable(entry) + " " + why
                + ", and an import never replaces a stored file. Nothing was imported; check the store with "
                + "`verify` (and `verify --repair`), or import into another store (--store DIR)");
    }

    private static StoreException refused(Path archive, String entry, String why) {
        return new StoreException("refused the archive " + archive + ": entry '" + printable(entry) + "': " + why
                + ". Nothing was imported; use an archive written by `java -jar model-redirect.jar export` (export it "
                + "again if it was damaged on the way)");
    }

    private static String printable(String text) {
        StringBuilder out = new StringBuilder();
        for (char c : text.toCharArray()) {
            out.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return out.length() > 200 ? out.substring(0, 200) + "..." : out.toString();
    }

    private static boolean isWritable(Path root) {
        Path dir = root;
        while (dir != null && !Files.exists(dir)) {
            dir = dir.getParent();
        }
        return dir != null && Files.isWritable(dir);
    }
}
