package dev.modelredirect.store;

import dev.modelredirect.fetch.ExpectedDigest;
import dev.modelredirect.files.AtomicFiles;
import dev.modelredirect.files.SafePaths;

import dev.modelredirect.hub.RepoId;
import dev.modelredirect.hub.RepoType;
import dev.modelredirect.json.Json;
import dev.modelredirect.json.JsonException;
import dev.modelredirect.json.JsonValues;
import dev.modelredirect.log.Log;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code models.lock}: the pins of every source, as JSON meant to be committed.
 *
 * <pre>
 * { "version": 1,
 *   "sources": {
 *     "hf://org/name@main": { "type": "model", "repo": "org/name", "revision": "main", "commit": "40 hex",
 *                             "files": [ { "path": "config.json", "size": 123, "sha256": "...", "blob": "etag" } ] },
 *     "https://host/m.zip": { "url": "...", "finalUrl": "...", "etag": "...", "lastModified": "...",
 *                             "files": [ { "path": "url/host/m.zip", "size": 9, "sha256": "..." } ] } } }
 * </pre>
 *
 * <p>Sources are written sorted, so the file diffs well. Updates take a named lock, re-read the file, change one
 * source and replace the file atomically, so concurrent writers lose nothing while locks work and never corrupt it
 * when they do not. A lock file (or its directory) that is read-only is used as is and never written.
 */
public final class LockFile {
    private static final Object NOT_READ = new Object();
    private static final Object ABSENT = List.of();

    private final Path path;
    private final Path lockName;
    private Map<String, Pin> cache;
    /** The {@link #stamp()} of the file {@link #cache} was read from; {@link #NOT_READ} when it must be read again. */
    private Object cacheStamp = NOT_READ;

    /**
     * @param path     the lock file
     * @param lockName the named-lock file that serialises updates
     */
    public LockFile(Path path, Path lockName) {
        this.path = path;
        this.lockName = lockName;
    }

    public Path path() {
        return path;
    }

    /** Whether updates can be written: the file (or, when absent, its directory) is writable. */
    public boolean isWritable() {
        if (Files.exists(path)) {
            return Files.isWritable(path) && Files.isWritable(path.getParent());
        }
        Path dir = path.getParent();
        while (dir != null && !Files.exists(dir)) {
            dir = dir.getParent();
        }
        return dir != null && Files.isWritable(dir);
    }

    /** The pin of {@code source}, or null. */
    public synchronized Pin get(String source) throws StoreException {
        return read().get(source);
    }

    /** All pins, sorted by source. */
    public synchronized Map<String, Pin> all() throws StoreException {
        return new TreeMap<>(read());
    }

    /**
     * Records the pin of {@code source}, unless the same pin is there already or the file is read-only.
     *
     * @return whether the file was written
     */
    public boolean put(String source, Pin pin) throws IOException {
        if (!isWritable()) {
            Log.debug("lock file %s is read-only; the pin of %s is not recorded", path, source);
            return false;
        }
        try (NamedLocks.Held ignored = NamedLocks.acquire(lockName, "the lock file " + path)) {
            synchronized (this) {
                cacheStamp = NOT_READ;
                Map<String, Pin> pins = new TreeMap<>(read());
                Pin existing = pins.get(source);
                // a record's first equals in a JVM links its bootstrap (~25 ms): not for a source pinned first now
                if (existing != null && pin.equals(existing)) {
                    return false;
                }
                pins.put(source, pin);
                AtomicFiles.writeString(path, Json.write(toJson(pins)));
                cache = pins;
                cacheStamp = stamp();
                return true;
            }
        }
    }

    /** Removes the pin of {@code source}; true when there was one. */
    public boolean remove(String source) throws IOException {
        if (!isWritable()) {
            return false;
        }
        try (NamedLocks.Held ignored = NamedLocks.acquire(lockName, "the lock file " + path)) {
            synchronized (this) {
                cacheStamp = NOT_READ;
                Map<String, Pin> pins = new TreeMap<>(read());
                if (pins.remove(source) == null) {
                    return false;
                }
                AtomicFiles.writeString(path, Json.write(toJson(pins)));
                cache = pins;
                cacheStamp = stamp();
                return true;
            }
        }
    }

    /**
     * What tells one version of the file from the next: its modification time, size and file key (inode). The time
     * alone is not enough: file systems stamp with a coarse clock (a tick of a few ms), so two writes in one tick share
     * it, and a moved pin (another 40-hex commit) keeps the size. Every write here replaces the file with a new one,
     * whose file key differs from the one it replaces.
     */
    private Object stamp() {
        try {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
            return List.of(attributes.lastModifiedTime(), attributes.size(), String.valueOf(attributes.fileKey()));
        } catch (IOException ex) {
            return ABSENT;
        }
    }

    private Map<String, Pin> read() throws StoreException {
        Object stamp = stamp();
        if (cache != null && stamp.equals(cacheStamp)) {
            return cache;
        }
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException ex) {
            cache = Map.of();
            cacheStamp = stamp;
            return cache;
        } catch (java.nio.charset.CharacterCodingException ex) {
            throw new StoreException("the lock file " + path + " is not valid (it is not UTF-8 text); restore it from "
                    + "version control, or delete it to start over");
        } catch (IOException ex) {
            throw new StoreException("cannot read the lock file " + path + ": " + ex.getMessage()
                    + "; fix its permissions, or point the lockfile key elsewhere");
        }
        try {
            cache = fromJson(Json.parseObject(text));
            cacheStamp = stamp;
            return cache;
        } catch (JsonException | IllegalArgumentException ex) {
            throw new StoreException("the lock file " + path + " is not valid (" + ex.getMessage()
                    + "); fix it (it is JSON, see the README), restore it from version control, or delete it to "
                    + "start over");
        }
    }

    private static Map<String, Pin> fromJson(Map<String, Object> root) {
        long version = JsonValues.longValue(root, "version", 1);
        if (version != 1) {
            throw new JsonException("version " + version + " is not known to this model-redirect; upgrade it");
        }
        Map<String, Pin> pins = new LinkedHashMap<>();
        Map<String, Object> sources = JsonValues.object(root, "sources");
        if (sources == null) {
            return pins;
        }
        for (Map.Entry<String, Object> entry : sources.entrySet()) {
            Map<String, Object> pin = JsonValues.asObject(entry.getValue(), "source '" + entry.getKey() + "'");
            List<PinnedFile> files = new ArrayList<>();
            for (Object element : JsonValues.array(pin, "files")) {
                Map<String, Object> file = JsonValues.asObject(element, "a file of '" + entry.getKey() + "'");
                files.add(new PinnedFile(JsonValues.requiredString(file, "path"), JsonValues.longValue(file, "size",
                        -1), JsonValues.requiredString(file, "sha256").toLowerCase(Locale.ROOT),
                        JsonValues.string(file, "blob")));
            }
            Pin parsed;
            if (pin.containsKey("djl")) {
                parsed = new Pin.Djl(JsonValues.requiredString(pin, "djl"), JsonValues.string(pin, "artifact"),
                        JsonValues.string(pin, "application"), JsonValues.string(pin, "version"), files);
            } else if (pin.containsKey("commit")) {
                String type = JsonValues.string(pin, "type");
                parsed = new Pin.Hub(repoType(type), JsonValues.requiredString(pin, "repo"),
                        JsonValues.requiredString(pin, "revision"), JsonValues.requiredString(pin, "commit"), files,
                        new FileFilter(patterns(pin, "include", entry.getKey()),
                                patterns(pin, "exclude", entry.getKey())));
            } else {
                parsed = new Pin.Url(JsonValues.requiredString(pin, "url"), JsonValues.string(pin, "finalUrl"),
                        JsonValues.string(pin, "etag"), JsonValues.string(pin, "lastModified"), files);
            }
            String problem = problem(parsed);
            if (problem != null) {
                throw new JsonException("source '" + entry.getKey() + "': " + problem);
            }
            pins.put(entry.getKey(), parsed);
        }
        return pins;
    }

    /** The strings of an optional array of patterns; anything else in it is an error. */
    private static List<String> patterns(Map<String, Object> pin, String key, String source) {
        Object value = pin.get(key);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list) || list.size() > FileFilter.MAX_PATTERNS) {
            throw new JsonException("source '" + source + "': '" + key + "' is not an array of at most "
                    + FileFilter.MAX_PATTERNS + " patterns");
        }
        List<String> out = new ArrayList<>();
        for (Object element : list) {
            if (!(element instanceof String text)) {
                throw new JsonException("source '" + source + "': '" + key + "' holds " + element
                        + ", not a pattern string");
            }
            out.add(text);
        }
        return out;
    }

    /**
     * Why a pin read from the file cannot be trusted, or null. The lock file comes with a clone of the project, so
     * every name in it that becomes a path in the store is checked as a server's names are: a Hub repository id, a
     * 40-hex commit, safe relative file paths, revisions and blob names (one segment); URL files under {@code url/};
     * a sha256 of 64 hex digits.
     */
    static String problem(Pin pin) {
        if (pin instanceof Pin.Hub hub) {
            String[] parts = hub.repo().split("/", -1);
            if (parts.length != 2) {
                return "repo '" + hub.repo() + "' is not ORG/NAME";
            }
            try {
                new RepoId(hub.type(), parts[0], parts[1]);
            } catch (IllegalArgumentException ex) {
                return "repo '" + hub.repo() + "': " + ex.getMessage();
            }
            if (!HubLayout.isCommit(hub.commit())) {
                return "commit '" + hub.commit() + "' is not a 40-hex commit id";
            }
            if (SafePaths.problem(hub.revision()) != null) {
                return "revision '" + hub.revision() + "': " + SafePaths.problem(hub.revision());
            }
            if (hub.filter().problem() != null) {
                return "include/exclude: " + hub.filter().problem();
            }
        }
        if (pin instanceof Pin.Djl djl) {
            String problem = djlProblem(djl);
            if (problem != null) {
                return problem;
            }
        }
        for (PinnedFile file : pin.files()) {
            String path = file.path();
            if (SafePaths.problem(path) != null) {
                return "file path '" + path + "': " + SafePaths.problem(path);
            }
            if (pin instanceof Pin.Url && !path.startsWith("url/")) {
                return "file path '" + path + "' of a URL source is not under url/";
            }
            if (file.blob() != null && (SafePaths.problem(file.blob()) != null || file.blob().contains("/"))) {
                return "blob '" + file.blob() + "' of " + path + " is not a plain file name";
            }
            if (!ExpectedDigest.isHex(file.sha256(), 64)) {
                return "sha256 '" + file.sha256() + "' of " + path + " is not 64 hex digits";
            }
        }
        return null;
    }

    /**
     * Why a DJL zoo pin cannot be trusted, or null: a dotted group id, a plain artifact id, a version of digits and
     * dots, an application of plain names, and every file a canonical repository path under {@code zoo/}.
     */
    private static String djlProblem(Pin.Djl djl) {
        if (!ZooLayout.isGroup(djl.group())) {
            return "group '" + djl.group() + "' is not a dotted group id";
        }
        if (djl.artifact() != null && !ZooLayout.isArtifact(djl.artifact())) {
            return "artifact '" + djl.artifact() + "' is not a plain artifact id";
        }
        if (djl.version() != null && !djl.version().matches("[0-9][0-9A-Za-z.+-]*")) {
            return "version '" + djl.version() + "' is not a version number";
        }
        if (djl.application() != null && (!djl.application().matches("[a-z0-9_]+(/[a-z0-9_]+)*"))) {
            return "application '" + djl.application() + "' is not an application path such as nlp/text_embedding";
        }
        for (PinnedFile file : djl.files()) {
            String prefix = ZooLayout.FOLDER + "/";
            if (!file.path().startsWith(prefix)) {
                return "file path '" + file.path() + "' of a DJL source is not under " + prefix;
            }
            try {
                if (!ZooLayout.checkedPath(file.path().substring(prefix.length()))
                        .equals(file.path().substring(prefix.length()))) {
                    return "file path '" + file.path() + "' is not canonical";
                }
            } catch (dev.modelredirect.files.UnsafePathException ex) {
                return ex.getMessage();
            }
        }
        return null;
    }

    private static RepoType repoType(String type) {
        if (type == null || type.equals("model")) {
            return RepoType.MODEL;
        }
        if (type.equals("dataset")) {
            return RepoType.DATASET;
        }
        if (type.equals("space")) {
            return RepoType.SPACE;
        }
        throw new JsonException("unknown repository type '" + type + "'");
    }

    private static Map<String, Object> toJson(Map<String, Pin> pins) {
        Map<String, Object> sources = new LinkedHashMap<>();
        for (Map.Entry<String, Pin> entry : pins.entrySet()) {
            Map<String, Object> pin = new LinkedHashMap<>();
            if (entry.getValue() instanceof Pin.Hub hub) {
                pin.put("type", hub.type().name().toLowerCase(Locale.ROOT));
                pin.put("repo", hub.repo());
                pin.put("revision", hub.revision());
                pin.put("commit", hub.commit());
                if (!hub.filter().include().isEmpty()) {
                    pin.put("include", hub.filter().include());
                }
                if (!hub.filter().exclude().isEmpty()) {
                    pin.put("exclude", hub.filter().exclude());
                }
            } else if (entry.getValue() instanceof Pin.Djl djl) {
                pin.put("djl", djl.group());
                putIfPresent(pin, "artifact", djl.artifact());
                putIfPresent(pin, "application", djl.application());
                putIfPresent(pin, "version", djl.version());
            } else if (entry.getValue() instanceof Pin.Url url) {
                pin.put("url", url.url());
                putIfPresent(pin, "finalUrl", url.finalUrl());
                putIfPresent(pin, "etag", url.etag());
                putIfPresent(pin, "lastModified", url.lastModified());
            }
            List<Object> files = new ArrayList<>();
            for (PinnedFile file : entry.getValue().files()) {
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("path", file.path());
                json.put("size", file.size());
                json.put("sha256", file.sha256());
                putIfPresent(json, "blob", file.blob());
                files.add(json);
            }
            pin.put("files", files);
            sources.put(entry.getKey(), pin);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("version", 1);
        root.put("sources", sources);
        return root;
    }

    private static void putIfPresent(Map<String, Object> json, String key, String value) {
        if (value != null) {
            json.put(key, value);
        }
    }
}
