package dev.modelredirect.hooks;

import dev.modelredirect.archive.Unpacker;
import dev.modelredirect.bridge.Bridge;
import dev.modelredirect.config.Config;
import dev.modelredirect.config.PathMapping;
import dev.modelredirect.fetch.ConsoleProgress;
import dev.modelredirect.files.FileTrees;
import dev.modelredirect.files.GroupAccess;
import dev.modelredirect.log.Log;
import dev.modelredirect.store.ModelStore;
import dev.modelredirect.store.Resolution;
import dev.modelredirect.store.StoreException;
import dev.modelredirect.store.UnpackedLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * What the hooks do, behind {@link Bridge} (installed there as its handler): remote model URLs to {@code file:} URLs in the store, DJL's caches to the
 * store, tokenizers from the store, call-home skipped offline, and {@code paths} prefixes moved into the store.
 *
 * <p>Fail-safe: an unexpected error in a hook is reported once and the library goes on with what it asked for. The
 * one error that reaches the application is a miss that cannot be served (offline, read-only store, missing model,
 * failed download), as an {@link UncheckedIOException} whose message says what to do.
 */
public final class Redirector implements BiFunction<String, Object[], Object> {
    /** A DJL parameter file: {@code <prefix>-<epoch>.params} or {@code <prefix>.params}. */
    private static final java.util.regex.Pattern PARAMS =
            java.util.regex.Pattern.compile("(.+?)(?:-(\\d{4}))?\\.params");
    private final Config config;
    private final Set<String> hooks;
    private final Set<String> warned = ConcurrentHashMap.newKeySet();
    private volatile ModelStore store;
    private final dev.modelredirect.hooks.zoo.ZooHandler zoo;

    public Redirector(Config config, Set<String> hooks) {
        this.config = config;
        this.hooks = hooks;
        this.zoo = new dev.modelredirect.hooks.zoo.ZooHandler(config, this::store);
    }

    /** The store, opened on first need. */
    ModelStore store() {
        ModelStore current = store;
        if (current == null) {
            synchronized (this) {
                if (store == null) {
                    store = ModelStore.open(config, ConsoleProgress.stderr());
                }
                current = store;
            }
        }
        return current;
    }

    /** The store once a hook has opened it, else null (nothing is opened by asking). */
    public ModelStore openedStore() {
        return store;
    }

    /** Dispatches a {@link Bridge} operation to its method. */
    @Override
    @SuppressWarnings("unchecked")
    public Object apply(String operation, Object[] args) {
        if (operation.startsWith("zoo")) {
            return zoo.apply(operation, args);
        }
        switch (operation) {
            case "repositoryUrl":
                return repositoryUrl((String) args[0], (String) args[1]);
            case "cacheDir":
                return cacheDir((Path) args[0]);
            case "engineCacheDir":
                return engineCacheDir((Path) args[0]);
            case "tokenizer":
                return tokenizer((Class<?>) args[0], (String) args[1], (Map<String, String>) args[2]);
            case "skipCallHome":
                return skipCallHome();
            case "springAiResource":
                return new SpringAiResources(this).resource(args[0]);
            case "userArgument":
                return new UserArguments(this).rewrite((String) args[0], args[1]);
            default:
                return null;
        }
    }

    // ---------------------------------------------------------------- djl-repository and paths

    /** The URL DJL should load instead of {@code url}: a {@code file:} URL in the store, or {@code url}. */
    public String repositoryUrl(String name, String url) {
        if (url == null) {
            return null;
        }
        try {
            String lower = url.toLowerCase(Locale.ROOT);
            if (zoo.isRepositoryBase(url)) {
                return url;
            }
            if (hooks.contains(HookCatalog.DJL_REPOSITORY)
                    && (lower.startsWith("http://") || lower.startsWith("https://") || lower.startsWith("hf://"))) {
                return remote(url);
            }
            if (hooks.contains(HookCatalog.PATHS) && lower.startsWith("file:")) {
                return local(url);
            }
            return url;
        } catch (StoreException ex) {
            throw new UncheckedIOException(new IOException("model-redirect: cannot serve " + url + ": "
                    + ex.getMessage(), ex));
        } catch (IOException ex) {
            throw new UncheckedIOException(new IOException("model-redirect: download of " + url + " failed: "
                    + ex.getMessage(), ex));
        } catch (RuntimeException | Error ex) {
            warnOnce(HookCatalog.DJL_REPOSITORY, ex);
            return url;
        }
    }

    private String remote(String url) throws IOException {
        int question = url.regionMatches(true, 0, "hf://", 0, 5) ? -1 : url.indexOf('?');
        String source = question < 0 ? url : url.substring(0, question);
        String query = question < 0 ? null : url.substring(question + 1);
        Resolution resolution = store().resolve(source);
        Log.info("%s", resolution.describe());
        Path path = resolution.path();
        String fileName = path.getFileName().toString();
        if (Files.isRegularFile(path) && Unpacker.isArchive(fileName)) {
            path = unpacked(path, fileName);
        } else if (Files.isRegularFile(path) && PARAMS.matcher(fileName).matches()) {
            path = paramsFolder(path, fileName);
        } else if (Files.isDirectory(path) && (query == null || !query.contains("model_name="))) {
            String modelName = repoName(source);
            query = query == null ? "model_name=" + modelName : query + "&model_name=" + modelName;
        }
        return withQuery(path, query);
    }

    /** An archive unpacked once into {@code <store>/unpacked/<key>/<base name>}, keyed by the archive's real path. */
    private Path unpacked(Path archive, String fileName) throws IOException {
        Path real = archive.toRealPath();
        String key = UnpackedLayout.key(real);
        Path target = store().root().resolve("unpacked").resolve(key).resolve(Unpacker.baseName(fileName));
        if (!Files.isDirectory(target)) {
            if (store().isReadOnly()) {
                throw new StoreException(archive + " is an archive that has not been unpacked in the read-only "
                        + "store " + store().root() + "; pre-fill the store by running the application once with a "
                        + "writable store");
            }
            Unpacker.unpack(archive, target);
        }
        return target;
    }

    /**
     * A bare DJL parameter file in a folder of its own, {@code <store>/unpacked/<key>/<prefix>/<prefix>-NNNN.params}
     * (a hard link to the stored file, or a copy where links are impossible): DJL loads parameters by model name from a
     * folder ({@code <name>-<epoch>.params}), never from a file URL, and would pick another epoch lying next to it.
     */
    private Path paramsFolder(Path file, String fileName) throws IOException {
        java.util.regex.Matcher name = PARAMS.matcher(fileName);
        if (!name.matches()) {
            return file;
        }
        String prefix = name.group(1);
        String epoch = name.group(2) == null ? "0000" : name.group(2);
        Path real = file.toRealPath();
        String key = UnpackedLayout.key(real);
        Path target = store().root().resolve("unpacked").resolve(key).resolve(prefix);
        if (Files.isDirectory(target)) {
            return target;
        }
        if (store().isReadOnly()) {
            throw new StoreException(file + " is a parameter file that has not been given a folder in the read-only "
                    + "store " + store().root() + "; pre-fill the store by running the application once with a "
                    + "writable store");
        }
        GroupAccess.createDirectories(target.getParent());
        Path work = dev.modelredirect.files.AtomicFiles.temporarySibling(target);
        Files.createDirectory(work);
        GroupAccess.share(work);
        try {
            Path linked = work.resolve(prefix + "-" + epoch + ".params");
            try {
                Files.createLink(linked, real);
            } catch (java.nio.file.FileSystemException | UnsupportedOperationException noHardLinks) {
                Files.copy(real, linked);
            }
            Files.move(work, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (java.nio.file.FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException otherWon) {
            // another process made the same folder first: use it
        } finally {
            FileTrees.deleteTree(work);
        }
        return target;
    }

    /** The last path segment of a Hub source or URL without extension, for DJL's model name. */
    private static String repoName(String source) {
        String trimmed = source.replaceAll("/+$", "");
        int at = trimmed.lastIndexOf('@');
        if (trimmed.startsWith("hf://") && at > trimmed.lastIndexOf('/')) {
            trimmed = trimmed.substring(0, at);
        }
        return trimmed.substring(trimmed.lastIndexOf('/') + 1);
    }

    private String local(String url) throws IOException {
        if (config.paths().isEmpty()) {
            return url;
        }
        int question = url.indexOf('?');
        String query = question < 0 ? null : url.substring(question + 1);
        Path path = Path.of(URI.create(question < 0 ? url : url.substring(0, question)));
        Path target = underPaths(path);
        return target == null ? url : withQuery(target, query);
    }

    /**
     * The store's place for a local path under a {@code paths} prefix (imported into the store on first use), or
     * null when no prefix holds it.
     */
    Path underPaths(Path local) throws IOException {
        Path path = local.toAbsolutePath().normalize();
        for (PathMapping mapping : config.paths()) {
            if (path.startsWith(mapping.from())) {
                Path target = store().root().resolve(mapping.to()).resolve(mapping.from().relativize(path))
                        .normalize();
                if (!Files.exists(target) && Files.exists(path)) {
                    LocalImport.copyInto(path, target);
                    Log.info("%s -> %s (imported)", path, store().root().relativize(target));
                } else {
                    Log.info("%s -> %s (hit)", path, store().root().relativize(target));
                }
                return target;
            }
        }
        return null;
    }

    private static String withQuery(Path path, String query) {
        String uri = path.toUri().toString();
        return query == null || query.isEmpty() ? uri : uri + "?" + query;
    }

    // ---------------------------------------------------------------- djl-cache

    /** DJL's cache directory: {@code <store>/djl}. */
    public Path cacheDir(Path computed) {
        if (!hooks.contains(HookCatalog.DJL_CACHE)) {
            return computed;
        }
        return config.store().resolve("djl");
    }

    /** DJL's engine cache: {@code <store>/engines} when {@code engines=true}. */
    public Path engineCacheDir(Path computed) {
        if (!hooks.contains(HookCatalog.DJL_CACHE) || !config.engines()) {
            return computed;
        }
        return config.store().resolve("engines");
    }

    // ---------------------------------------------------------------- hf-tokenizer

    /** A tokenizer loaded by path from the store's copy of its repository, or null to leave it to the library. */
    public Object tokenizer(Class<?> tokenizerClass, String identifier, Map<String, String> options) {
        if (!hooks.contains(HookCatalog.HF_TOKENIZER) || identifier == null) {
            return null;
        }
        try {
            if (Files.exists(Path.of(identifier))) {
                return null;
            }
        } catch (RuntimeException notAPath) {
            // an id such as org/name@rev is not a path on this platform
        }
        Path directory;
        try {
            String revision = options == null ? null : options.get("revision");
            String source = "hf://" + identifier + (revision == null ? "" : "@" + revision) + "/tokenizer.json";
            Resolution resolution = store().resolve(source);
            Log.info("%s", resolution.describe());
            directory = resolution.path().getParent();
        } catch (IOException ex) {
            throw new UncheckedIOException(new IOException("model-redirect: cannot serve the tokenizer of "
                    + identifier + ": " + ex.getMessage(), ex));
        } catch (RuntimeException ex) {
            warnOnce(HookCatalog.HF_TOKENIZER, ex);
            return null;
        }
        try {
            Method byPath = tokenizerClass.getMethod("newInstance", Path.class, Map.class);
            return byPath.invoke(null, directory, options == null ? Map.of() : options);
        } catch (InvocationTargetException ex) {
            Throwable cause = ex.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new UncheckedIOException(new IOException("model-redirect: the tokenizer in " + directory
                    + " could not be loaded: " + cause, cause));
        } catch (ReflectiveOperationException ex) {
            warnOnce(HookCatalog.HF_TOKENIZER, ex);
            return null;
        }
    }

    // ---------------------------------------------------------------- call home

    /** Whether DJL's call home is skipped: when offline. */
    public boolean skipCallHome() {
        return config.offline();
    }

    /** Reports a hook's unexpected failure once (the stack trace at log=debug); the library goes on without it. */
    void warnOnce(String hook, Throwable ex) {
        if (warned.add(hook)) {
            Log.warn("hook %s failed (%s); the application goes on without it. Run with log=debug and report it",
                    hook, ex);
        }
        if (Log.isDebug()) {
            ex.printStackTrace(Log.output());
        }
    }
}
