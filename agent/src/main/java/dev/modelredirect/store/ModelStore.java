package dev.modelredirect.store;

import dev.modelredirect.files.AtomicFiles;
import dev.modelredirect.files.SafePaths;

import dev.modelredirect.config.Config;
import dev.modelredirect.config.NetworkSettings;
import dev.modelredirect.fetch.AuthPolicy;
import dev.modelredirect.fetch.FileDownloader;
import dev.modelredirect.fetch.Http;
import dev.modelredirect.fetch.ProgressListener;
import dev.modelredirect.fetch.RetryPolicy;
import dev.modelredirect.hub.HubClient;
import dev.modelredirect.config.Secret;
import dev.modelredirect.config.UrlMirror;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The model store: resolves sources to local paths, downloading on a miss.
 *
 * <p>The public face of the store for the agent and the command line. On a hit (the source is pinned in the lock
 * file, or its ref and files are present) it answers without creating an HTTP client. On a miss it downloads through
 * the Hub protocol or plain HTTP, verifies, publishes atomically and pins the source. Offline or on a read-only store,
 * a miss fails with a {@link StoreException} that says how to pre-fill the store. Thread-safe; many instances in many
 * processes may share one store.
 */
public final class ModelStore implements Closeable {
    /**
     * How to open a store.
     *
     * @param root       store root
     * @param lockfile   the lock file
     * @param endpoint   Hub base URL
     * @param token      bearer token for the endpoint
     * @param offline    never connect
     * @param retry      retry policy of every request
     * @param downloads  transfer tuning
     * @param progress   where download progress goes
     * @param network    proxies and extra trusted certificates of every connection
     * @param mirrors    URL prefixes whose URL sources are fetched from elsewhere
     * @param djlEndpoint base URL of the DJL model repository, for {@code djl://} sources and the zoo
     */
    public record Options(Path root, Path lockfile, String endpoint, Optional<Secret> token, boolean offline,
            RetryPolicy retry, FileDownloader.Settings downloads, ProgressListener progress,
            NetworkSettings network, List<UrlMirror> mirrors, String djlEndpoint) {

        /** Options that connect directly, trusting the JDK's certificate authorities only. */
        public Options(Path root, Path lockfile, String endpoint, Optional<Secret> token, boolean offline,
                RetryPolicy retry, FileDownloader.Settings downloads, ProgressListener progress) {
            this(root, lockfile, endpoint, token, offline, retry, downloads, progress, NetworkSettings.DIRECT);
        }

        /** Options without mirrors, with DJL's own repository. */
        public Options(Path root, Path lockfile, String endpoint, Optional<Secret> token, boolean offline,
                RetryPolicy retry, FileDownloader.Settings downloads, ProgressListener progress,
                NetworkSettings network) {
            this(root, lockfile, endpoint, token, offline, retry, downloads, progress, network, List.of(),
                    Config.DEFAULT_DJL_ENDPOINT);
        }

        /** The options a configuration implies: its connection count, proxies and trust, default tuning else. */
        public static Options from(Config config, ProgressListener progress) {
            return new Options(config.store(), config.lockfile(), config.endpoint(), config.token(), config.offline(),
                    RetryPolicy.DEFAULT,
                    FileDownloader.Settings.DEFAULT.withConnections(config.network().connections()), progress,
                    config.network(), config.mirrors(), config.djlEndpoint());
        }
    }

    private final Options options;
    private final StoreContext context;
    private final SourceParser parser;
    private final HubResolver hubResolver;
    private final UrlResolver urlResolver;
    private final ZooResolver zooResolver;
    private final ZooModels zooModels;
    private final LastUse lastUse;
    private final StoreStatistics statistics = new StoreStatistics();
    private Http http;
    private HubClient hubClient;
    private FileDownloader downloader;

    public ModelStore(Options options) {
        this.options = options;
        Path root = options.root().toAbsolutePath().normalize();
        LockFile lockFile = new LockFile(options.lockfile().toAbsolutePath().normalize(),
                root.resolve(".locks").resolve("models.lock.lock"));
        this.context = new StoreContext(root, lockFile, options.offline(), options.progress(),
                new StoreContext.Network() {
                    @Override
                    public HubClient hub() throws IOException {
                        return hubClient();
                    }

                    @Override
                    public FileDownloader downloader() throws IOException {
                        return fileDownloader();
                    }
                });
        this.parser = new SourceParser(options.endpoint());
        this.hubResolver = new HubResolver(context);
        this.urlResolver = new UrlResolver(context, options.mirrors());
        this.zooResolver = new ZooResolver(context, options.djlEndpoint());
        this.zooModels = new ZooModels(context, zooResolver);
        this.lastUse = new LastUse(root);
    }

    /** Opens the store a configuration names. */
    public static ModelStore open(Config config, ProgressListener progress) {
        return new ModelStore(Options.from(config, progress));
    }

    public Path root() {
        return context.root;
    }

    public LockFile lockFile() {
        return context.lockFile;
    }

    /** Whether the store cannot be written (a read-only mount, or no permission). */
    public boolean isReadOnly() {
        return context.readOnly();
    }

    public boolean isOffline() {
        return options.offline();
    }

    /** Parses a source as the SPEC spells them. */
    public Source parse(String source) throws StoreException {
        return parser.parse(source);
    }

    /**
     * The local path of a source, downloading it on a miss.
     *
     * @throws StoreException for a bad source, an offline or read-only miss, or a refusal by the Hub
     * @throws IOException    when the download fails (the store is left as it was)
     */
    public Resolution resolve(String source) throws IOException {
        Source parsed;
        try {
            parsed = parse(source);
        } catch (StoreException ex) {
            statistics.failed(source, ex, 0);
            throw ex;
        }
        return resolve(parsed);
    }

    /**
     * {@link #resolve(String)} of a whole repository restricted to the files {@code filter} lets through (recorded
     * in the pin, so a later resolution of the pinned source fetches the same files).
     *
     * @throws StoreException when the source is not a whole Hub repository, or the patterns are unusable
     */
    public Resolution resolve(String source, FileFilter filter) throws IOException {
        return resolve(withFilter(parse(source), filter));
    }

    /** {@link #update(String)} restricted to the files {@code filter} lets through. */
    public Update update(String source, FileFilter filter) throws IOException {
        Source parsed = withFilter(parse(source), filter);
        Update update = hubResolver.update((Source.Hub) parsed);
        statistics.record(update.resolution());
        recordLastUse(parsed);
        return update;
    }

    private static Source withFilter(Source source, FileFilter filter) throws StoreException {
        if (filter == null) {
            return source;
        }
        if (!(source instanceof Source.Hub hub) || !hub.isSnapshot()) {
            throw new StoreException(source.spelled() + ": --include/--exclude apply to a whole Hub repository "
                    + "(hf://ORG/NAME[@REV]); name the repository, or drop the patterns");
        }
        if (filter.problem() != null) {
            throw new StoreException(source.spelled() + ": " + filter.problem() + "; give shorter patterns");
        }
        return hub.withFilter(filter);
    }

    /** {@link #resolve(String)} for a parsed source. */
    public Resolution resolve(Source source) throws IOException {
        long start = System.nanoTime();
        try {
            Resolution resolution = source instanceof Source.Hub hub ? hubResolver.resolve(hub)
                    : source instanceof Source.Djl djl ? zooModels.resolve(djl, this::http)
                    : urlResolver.resolve((Source.Url) source, this::http);
            statistics.record(resolution);
            recordLastUse(source);
            return resolution;
        } catch (java.nio.file.NoSuchFileException ex) {
            IOException error = Files.isDirectory(root()) ? ex : new StoreException("the store " + root()
                    + " was deleted or moved while " + source.spelled() + " was being resolved, so nothing was stored;"
                    + " check that nothing removes the store while it is in use, then run the same command again", ex);
            statistics.failed(source.spelled(), error, System.nanoTime() - start);
            throw error;
        } catch (IOException | RuntimeException ex) {
            statistics.failed(source.spelled(), ex, System.nanoTime() - start);
            throw ex;
        }
    }

    /**
     * Moves a source forward ({@code pull --update}): a Hub branch or tag to the commit it names now, a URL to what
     * the server sends now (revalidated with the pinned ETag and Last-Modified), downloading only what changed and
     * moving the pin. A source named at a full commit id stays where it is.
     *
     * @throws StoreException offline, on a read-only store, or when the Hub refuses
     */
    public Update update(String source) throws IOException {
        Source parsed = parse(source);
        Update update = parsed instanceof Source.Hub hub ? hubResolver.update(hub)
                : parsed instanceof Source.Djl djl ? zooModels.update(djl, this::http)
                : urlResolver.update((Source.Url) parsed, this::http);
        statistics.record(update.resolution());
        recordLastUse(parsed);
        return update;
    }

    private void recordLastUse(Source source) {
        if (!context.readOnly()) {
            lastUse.record(source.spelled());
        }
    }

    /** What this store answered since it was opened. */
    public StoreStatistics statistics() {
        return statistics;
    }

    /** The local path of a source if the store has it; never connects, never writes. */
    public Optional<Path> which(String source) throws IOException {
        Source parsed = parse(source);
        Path path = parsed instanceof Source.Hub hub ? hubResolver.lookup(hub)
                : parsed instanceof Source.Djl djl ? zooModels.lookup(djl)
                : urlResolver.lookup((Source.Url) parsed);
        return Optional.ofNullable(path);
    }

    /**
     * One file of the DJL model repository, for the {@code djl-zoo} hook: the store's copy, downloaded from
     * {@code djl-endpoint} and verified on a miss; null for an optional file the store does not have and may not get.
     *
     * @throws StoreException offline or on a read-only store for a file that is not optional
     * @throws IOException    when the download fails or does not verify (the store is left as it was)
     */
    public Resolution zooFile(ZooFile file) throws IOException {
        long start = System.nanoTime();
        try {
            Resolution resolution = zooResolver.resolve(file, this::http);
            if (resolution != null) {
                statistics.record(resolution);
                if (!context.readOnly()) {
                    lastUse.record(file.source());
                }
            }
            return resolution;
        } catch (IOException | RuntimeException ex) {
            statistics.failed(file.source(), ex, System.nanoTime() - start);
            throw ex;
        }
    }

    /** The store's folder of the DJL model repository, {@code <store>/zoo}. */
    public Path zooRoot() {
        return zooResolver.layout().root();
    }

    private synchronized Http http() throws StoreException {
        if (options.offline()) {
            throw new IllegalStateException("no HTTP client may be made offline");
        }
        if (http == null) {
            http = new Http(new AuthPolicy(options.endpoint(), options.token()), options.retry(), options.network());
        }
        return http;
    }

    private synchronized HubClient hubClient() throws StoreException {
        if (hubClient == null) {
            hubClient = new HubClient(http(), options.endpoint(), options.token().isPresent(), SafePaths::isSafe);
        }
        return hubClient;
    }

    private synchronized FileDownloader fileDownloader() throws StoreException {
        if (downloader == null) {
            downloader = new FileDownloader(http(), options.downloads());
        }
        return downloader;
    }

    @Override
    public synchronized void close() {
        if (http != null) {
            http.close();
        }
    }
}
