package dev.modelredirect.serve;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.modelredirect.store.LockFile;
import dev.modelredirect.store.StoreInventory;
import dev.modelredirect.store.ModelStore;
import java.io.Closeable;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * Serves a store's {@code hub/} folder over the Hugging Face Hub's HTTP protocol, so that other machines (and the
 * Hub's own clients) can use it as their endpoint.
 *
 * <p>Read-only: it never writes to the store, unless it is a pull-through mirror ({@link Options#upstream()} set),
 * in which case a miss is fetched once through {@link ModelStore#resolve} and then served. It never serves a byte
 * from outside {@code <store>/hub}. Files are streamed with one fixed buffer per thread from a bounded pool, so memory
 * does not grow with file sizes or clients. One line per request goes to the log at {@code info}.
 *
 * <p>Answers {@code HEAD/GET /[datasets/]ORG/NAME/resolve/REV/PATH} (with {@code X-Repo-Commit}, {@code ETag},
 * {@code X-Linked-Etag}/{@code X-Linked-Size} for LFS files, single byte ranges), the revision API
 * {@code /api/models/ORG/NAME/revision/REV}, the tree API {@code /api/models/ORG/NAME/tree/REV[/PATH]} (paged with
 * {@code Link}) and {@code POST /api/models/ORG/NAME/paths-info/REV}; the same under {@code /api/datasets/}. Refusals
 * carry {@code X-Error-Code} {@code RepoNotFound}, {@code RevisionNotFound} or {@code EntryNotFound}. {@code GET /}
 * is a status page ({@code /api/status} its JSON form).
 *
 * <p>With {@link Options#tls()} it speaks only HTTPS; with {@link Options#tokens()} every request needs
 * {@code Authorization: Bearer TOKEN} of the token file, else 401. The server is the JDK's own
 * ({@code com.sun.net.httpserver}, TCP_NODELAY, HTTP/1.1 keep-alive): no library joins the agent's jar for it.
 */
public final class HubServer implements Closeable {
    /**
     * How to serve.
     *
     * @param store    the store root (the folder holding {@code hub/})
     * @param bind     the address to listen on; loopback unless the user says otherwise
     * @param port     the port; 0 picks a free one
     * @param threads  requests handled at once (more wait in a queue); each holds one streaming buffer
     * @param upstream the store to fetch misses through (opened on {@code store} with the upstream endpoint), or null
     *                 to serve only what the store holds
     * @param upstreamEndpoint the endpoint {@code upstream} fetches from, for messages; null without upstream
     * @param pageSize entries per page of the tree API
     * @param tls      the TLS context to speak HTTPS with, or null for plain HTTP
     * @param tokens   the bearer tokens every request must carry, or null to answer everyone
     * @param lockfile the lock file whose pins the status page shows, or null for {@code <store>/models.lock}
     */
    public record Options(Path store, InetAddress bind, int port, int threads, ModelStore upstream,
            String upstreamEndpoint, int pageSize, SSLContext tls, AccessTokens tokens, Path lockfile) {
        /** Threads when none are given. */
        public static final int DEFAULT_THREADS = 32;
        /** The Hub's page size for the tree API. */
        public static final int DEFAULT_PAGE_SIZE = 1000;

        public Options {
            if (threads < 1 || pageSize < 1 || port < 0 || port > 65535) {
                throw new IllegalArgumentException("threads and pageSize must be positive, port 0 to 65535");
            }
        }

        /** Read-only plain HTTP on loopback, a free port, default threads and page size, no tokens. */
        public static Options loopback(Path store) {
            return new Options(store, InetAddress.getLoopbackAddress(), 0, DEFAULT_THREADS, null, null,
                    DEFAULT_PAGE_SIZE, null, null, null);
        }

        /** These options as a pull-through mirror fetching misses through {@code mirror} from {@code endpoint}. */
        public Options withUpstream(ModelStore mirror, String endpoint) {
            return new Options(store, bind, port, threads, mirror, endpoint, pageSize, tls, tokens, lockfile);
        }

        public Options withPageSize(int size) {
            return new Options(store, bind, port, threads, upstream, upstreamEndpoint, size, tls, tokens, lockfile);
        }

        public Options withThreads(int count) {
            return new Options(store, bind, port, count, upstream, upstreamEndpoint, pageSize, tls, tokens, lockfile);
        }

        public Options withAddress(InetAddress address, int portNumber) {
            return new Options(store, address, portNumber, threads, upstream, upstreamEndpoint, pageSize, tls, tokens,
                    lockfile);
        }

        /** These options speaking HTTPS with {@code context} (see {@link PemTls}). */
        public Options withTls(SSLContext context) {
            return new Options(store, bind, port, threads, upstream, upstreamEndpoint, pageSize, context, tokens,
                    lockfile);
        }

        /** These options answering only requests with one of {@code accepted} as bearer token. */
        public Options withTokens(AccessTokens accepted) {
            return new Options(store, bind, port, threads, upstream, upstreamEndpoint, pageSize, tls, accepted,
                    lockfile);
        }

        /** The lock file whose pins the status page shows (default {@code <store>/models.lock}). */
        public Options withLockfile(Path file) {
            return new Options(store, bind, port, threads, upstream, upstreamEndpoint, pageSize, tls, tokens, file);
        }
    }

    /** How long {@link #close} lets running exchanges finish. */
    public static final long GRACE_MILLIS = 2000;
    /** Connections waiting to be accepted: enough for a burst of 64 and more clients connecting at once. */
    static final int BACKLOG = 1024;
    private static final String NODELAY = "sun.net.httpserver.nodelay";

    private final HttpServer server;
    private final ExecutorService executor;
    private final HubHandler handler;
    private final String url;
    private volatile boolean closed;

    private HubServer(HttpServer server, ExecutorService executor, HubHandler handler, String url) {
        this.server = server;
        this.executor = executor;
        this.handler = handler;
        this.url = url;
    }

    /**
     * Binds and starts serving.
     *
     * @throws IOException when the address cannot be bound (in use, or not local)
     */
    public static HubServer start(Options options) throws IOException {
        // Without TCP_NODELAY a keep-alive client waits ~40 ms (Nagle and delayed ACKs) for every small answer. The
        // JDK server reads this once, when its first server is made: serve is its only user in this process.
        if (System.getProperty(NODELAY) == null) {
            System.setProperty(NODELAY, "true");
        }
        PullThrough pull = options.upstream() == null ? null
                : new PullThrough(options.upstream(), options.upstreamEndpoint());
        Path root = options.store().toAbsolutePath().normalize();
        StoreLookup lookup = new StoreLookup(new StoreView(root), pull, new Traffic());
        Path lockfile = options.lockfile() != null ? options.lockfile() : root.resolve("models.lock");
        StoreInventory inventory = new StoreInventory(root, new LockFile(lockfile, lockfile.resolveSibling(
                lockfile.getFileName() + ".lock")), true);
        StatusReport report = new StatusReport(inventory, lookup.traffic(), options.tokens() != null, pull != null);
        HubHandler[] handler = new HubHandler[1];
        StatusPage status = new StatusPage(report, () -> handler[0].requests());
        handler[0] = new HubHandler(HubHandler.routes(lookup, options.pageSize(), status), options.tokens());
        InetSocketAddress address = new InetSocketAddress(options.bind(), options.port());
        HttpServer server;
        if (options.tls() != null) {
            HttpsServer https = HttpsServer.create(address, BACKLOG);
            https.setHttpsConfigurator(new HttpsConfigurator(options.tls()));
            server = https;
        } else {
            server = HttpServer.create(address, BACKLOG);
        }
        AtomicInteger ids = new AtomicInteger();
        ThreadPoolExecutor executor = new ThreadPoolExecutor(options.threads(), options.threads(), 60,
                TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                    Thread thread = new Thread(r, "model-redirect-serve-" + ids.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        executor.allowCoreThreadTimeOut(true);
        server.setExecutor(executor);
        server.createContext("/", handler[0]);
        server.start();
        InetSocketAddress bound = server.getAddress();
        InetAddress boundAddress = bound.getAddress();
        String host = boundAddress.getHostAddress();
        if (boundAddress instanceof Inet6Address) {
            int zone = host.indexOf('%');
            host = "[" + (zone < 0 ? host : host.substring(0, zone)) + "]";
        }
        String scheme = options.tls() != null ? "https" : "http";
        return new HubServer(server, executor, handler[0], scheme + "://" + host + ":" + bound.getPort());
    }

    /** The base URL clients set as their endpoint, {@code http[s]://ADDRESS:PORT}, without a trailing slash. */
    public String url() {
        return url;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Requests answered or being answered so far. */
    public long requests() {
        return handler.requests();
    }

    /**
     * Stops: running exchanges get up to {@link #GRACE_MILLIS} to finish, then every connection is closed and the
     * threads stopped. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long deadline = System.nanoTime() + GRACE_MILLIS * 1_000_000L;
        while (handler.active() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        // stop(0): the JDK's stop(n) waits the whole n seconds even when nothing is running
        server.stop(0);
        executor.shutdownNow();
    }
}
