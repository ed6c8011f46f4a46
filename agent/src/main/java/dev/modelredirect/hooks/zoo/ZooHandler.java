package dev.modelredirect.hooks.zoo;

import dev.modelredirect.config.Config;
import dev.modelredirect.log.Log;
import dev.modelredirect.store.ModelStore;
import dev.modelredirect.store.Resolution;
import dev.modelredirect.store.StoreException;
import dev.modelredirect.store.ZooFile;
import dev.modelredirect.store.ZooLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * What the {@code djl-zoo} hook does behind the {@code zoo*} operations of the bridge. A DJL {@code RemoteRepository}
 * made with an http(s) base (DJL's repository, hard-coded or from {@code DJL_REPO_URL}) gets the store's copy of the
 * repository, {@code file:<store>/zoo/}, as its base; before DJL reads an index, a {@code metadata.json} or an artifact
 * file from there, the file is fetched into the store from {@code djl-endpoint} (once, verified, pinned). The objects
 * of DJL are read by reflection through their public methods, so that the agent needs no DJL at compile time.
 *
 * <p>Fail-safe: an unexpected error is reported once and DJL goes on. A miss that cannot be served (offline, a
 * read-only store, a failed or unverifiable download) reaches the application as an {@link UncheckedIOException}
 * whose one-line message names the {@code djl://} source and the {@code pull} command; a missing index is not such a
 * miss: DJL falls back to the copy of the index in its jar.
 */
public final class ZooHandler {
    private final Supplier<ModelStore> store;
    private final java.util.Set<String> repositoryBases = new java.util.HashSet<>();
    private final URI zooRoot;
    private final AtomicBoolean warned = new AtomicBoolean();

    /**
     * @param config the configuration (its store root names the zoo folder without opening the store)
     * @param store  opens the store on first need
     */
    public ZooHandler(Config config, Supplier<ModelStore> store) {
        this.store = store;
        repositoryBases.add(Config.DEFAULT_DJL_ENDPOINT);
        repositoryBases.add(withSlash(config.djlEndpoint()));
        String djlRepoUrl = System.getProperty("DJL_REPO_URL", System.getenv("DJL_REPO_URL"));
        if (djlRepoUrl != null && !djlRepoUrl.isBlank()) {
            repositoryBases.add(withSlash(djlRepoUrl.trim()));
        }
        URI folder = config.store().toAbsolutePath().normalize().resolve(ZooLayout.FOLDER).toUri();
        this.zooRoot = folder.getPath().endsWith("/") ? folder : URI.create(folder + "/");
    }

    /** Dispatches a {@code zoo*} operation of the bridge. */
    public Object apply(String operation, Object[] args) {
        switch (operation) {
            case "zooBase":
                return base((URI) args[0]);
            case "zooIndex":
                index(args[0], args[1], args[2]);
                return null;
            case "zooMetadata":
                metadata(args[0], args[1]);
                return null;
            case "zooArtifact":
                artifact(args[0], (URI) args[1], args[2]);
                return null;
            default:
                return null;
        }
    }

    /** The store's copy of the repository for an http(s) repository base (its query kept), else {@code uri}. */
    public URI base(URI uri) {
        if (uri == null || uri.getScheme() == null) {
            return uri;
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return uri;
        }
        try {
            return new URI(zooRoot.getScheme(), zooRoot.getAuthority(), zooRoot.getPath(), uri.getRawQuery() == null
                    ? null : java.net.URLDecoder.decode(uri.getRawQuery(), java.nio.charset.StandardCharsets.UTF_8),
                    null);
        } catch (URISyntaxException | RuntimeException ex) {
            warnOnce(ex);
            return uri;
        }
    }

    /**
     * Whether {@code url}, given to {@code Repository.newInstance(String, String)}, is the base of DJL's model
     * repository (DJL's own, {@code DJL_REPO_URL} or {@code djl-endpoint}): DJL 0.30 to 0.32 make their zoos'
     * {@code RemoteRepository} that way, so it is no model URL to fetch but the repository this hook answers.
     */
    public boolean isRepositoryBase(String url) {
        int query = url.indexOf('?');
        return repositoryBases.contains(withSlash(query < 0 ? url : url.substring(0, query)));
    }

    private static String withSlash(String url) {
        return url.endsWith("/") ? url : url + "/";
    }

    /** {@code ModelZoo.listModels(repository, application)}: the index, when the repository is the store's. */
    void index(Object zoo, Object repository, Object application) {
        try {
            if (!isStoreRepository(repository)) {
                return;
            }
            String group = (String) call(zoo, "getGroupId");
            String app = (String) call(application, "getPath");
            if (!ZooLayout.isGroup(group)) {
                return;
            }
            ZooFile file = new ZooFile(ZooLayout.indexSource(group), group, null, null, null,
                    ZooLayout.indexPath(app, group), null, -1, true);
            Resolution resolution = resolve(file);
            if (resolution != null) {
                Log.debug("%s", resolution.describe());
            }
        } catch (IOException ex) {
            // an index DJL can do without: it falls back to the copy in its jar
            Log.debug("the zoo index could not be fetched (%s); DJL uses its own copy", ex.getMessage());
        } catch (ReflectiveOperationException | RuntimeException ex) {
            warnOnce(ex);
        }
    }

    /** {@code RemoteRepository.locate(mrl)}: the model's {@code metadata.json}. */
    void metadata(Object repository, Object mrl) {
        String source = null;
        try {
            if (!isStoreRepository(repository)) {
                return;
            }
            String group = (String) call(mrl, "getGroupId");
            String artifact = (String) call(mrl, "getArtifactId");
            Object application = call(mrl, "getApplication");
            String app = application == null ? null : (String) call(application, "getPath");
            URI path = (URI) call(mrl, "toURI");
            source = ZooLayout.modelSource(group, artifact);
            ZooFile file = new ZooFile(source, group, artifact, app, null, path.getPath() + "/metadata.json", null,
                    -1, false);
            Log.info("%s", resolve(file).describe());
        } catch (IOException ex) {
            throw failure(source, ex);
        } catch (ReflectiveOperationException | RuntimeException ex) {
            warnOnce(ex);
        }
    }

    /** {@code AbstractRepository.download(dir, base, item, progress)}: one artifact file. */
    void artifact(Object repository, URI base, Object item) {
        String source = null;
        try {
            if (!isStoreRepository(repository)) {
                return;
            }
            URI itemUri = URI.create((String) call(item, "getUri"));
            if (itemUri.isAbsolute()) {
                return;
            }
            URI target = ((URI) call(repository, "getBaseUri")).resolve(base).resolve(itemUri);
            Object artifact = call(item, "getArtifact");
            Object metadata = call(artifact, "getMetadata");
            String group = (String) call(metadata, "getGroupId");
            String artifactId = (String) call(metadata, "getArtifactId");
            String path = repositoryPath(target);
            if (path == null) {
                throw new UncheckedIOException(new IOException("model-redirect: refused the file " + itemUri
                        + " of " + ZooLayout.modelSource(group, artifactId) + ": its metadata names a place outside "
                        + "the repository; the metadata at djl-endpoint is not to be trusted"));
            }
            Object application = call(metadata, "getApplication");
            String app = application == null ? null : (String) call(application, "getPath");
            source = ZooLayout.modelSource(group, artifactId);
            ZooFile file = new ZooFile(source, group, artifactId, app, (String) call(artifact, "getVersion"), path,
                    (String) call(item, "getSha1Hash"), (Long) call(item, "getSize"), false);
            Log.info("%s", resolve(file).describe());
        } catch (IOException ex) {
            throw failure(source, ex);
        } catch (UncheckedIOException refused) {
            throw refused;
        } catch (ReflectiveOperationException | RuntimeException ex) {
            warnOnce(ex);
        }
    }

    private Resolution resolve(ZooFile file) throws IOException {
        return store.get().zooFile(file);
    }

    /** Whether a DJL repository's base is the store's copy of the repository (this hook swapped it in). */
    private boolean isStoreRepository(Object repository) throws ReflectiveOperationException {
        Object base = repository == null ? null : call(repository, "getBaseUri");
        return base instanceof URI uri && repositoryPath(uri.resolve("model/")) != null;
    }

    /** The repository path of a {@code file:} URI under the store's zoo folder, or null. */
    private String repositoryPath(URI target) {
        if (!"file".equalsIgnoreCase(target.getScheme()) || target.getPath() == null) {
            return null;
        }
        String root = zooRoot.getPath();
        String path = target.getPath();
        if (!path.startsWith(root)) {
            return null;
        }
        return path.substring(root.length());
    }

    private static UncheckedIOException failure(String source, IOException ex) {
        String what = source == null ? "a DJL zoo model" : source;
        if (ex instanceof StoreException) {
            return new UncheckedIOException(new IOException("model-redirect: cannot serve " + what + ": "
                    + ex.getMessage(), ex));
        }
        return new UncheckedIOException(new IOException("model-redirect: download of " + what + " failed: "
                + ex.getMessage(), ex));
    }

    /** Calls a public no-argument method, also when declared by a class that is not public. */
    private static Object call(Object target, String name) throws ReflectiveOperationException {
        Method method = target.getClass().getMethod(name);
        if (!method.canAccess(target)) {
            method.setAccessible(true);
        }
        return method.invoke(target);
    }

    private void warnOnce(Throwable ex) {
        if (warned.compareAndSet(false, true)) {
            Log.warn("hook djl-zoo failed (%s); the application goes on without it. Run with log=debug and report it",
                    ex);
        }
        if (Log.isDebug()) {
            ex.printStackTrace(Log.output());
        }
    }
}
