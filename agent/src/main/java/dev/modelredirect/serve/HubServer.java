package dev.modelredirect.serve;

import dev.modelredirect.store.LockFile;
import dev.modelredirect.store.StoreInventory;
import dev.modelredirect.store.ModelStore;
import java.io.Closeable;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;

/**
 * Serves a store's {@code hub/} folder over the Hugging Face Hub's HTTP protocol, so that other machines (and the
 * Hub's own clients) can use it as their endpoint.
 *
 * <p>Read-only: it never writes to the store, unless it is a pull-through mirror ({@link Options#upstream()} set),
 * in which case a miss is fetched once through {@link ModelStore#resolve} and then served. It never serves a byte
 * from outside {@code <store>/hub}. Files are sent by the kernel ({@code sendfile}), or on TLS with one fixed buffer
 * per connection thread from a bounded number, so memory does not grow with file sizes or clients. One line per
 * request goes to the log at {@code info}.
 *
 * <p>Answers {@code HEAD/GET /[datasets/]ORG/NAME/resolve/REV/PATH} (with {@code X-Repo-Commit}, {@code ETag},
 * {@code X-Linked-Etag}/{@code X-Linked-Size} for LFS files, single byte ranges), the revision API
 * {@code /api/models/ORG/NAME/revision/REV}, the tree API {@code /api/models/ORG/NAME/tree/REV[/PATH]} (paged with
 * {@code Link}) and {@code POST /api/models/ORG/NAME/paths-info/REV}; the same under {@code /api/datasets/}. Refusals
 * carry {@code X-Error-Code} {@code RepoNotFound}, {@code RevisionNotFound} or {@code EntryNotFound}. {@code GET /}
 * is a status page ({@code /api/status} its JSON form).
 *
 * <p>With {@link Options#tls()} it speaks only HTTPS; with {@link Options#tokens()} every request needs
 * {@code Authorization: Bearer TOKEN} of the token file, else 401. The HTTP server is {@link Http1Server} (no
 * library joins the agent's jar for it): HTTP/1.1 keep-alive, TCP_NODELAY, zero-copy file bodies on plain HTTP.
 */
public final class HubServer implements Closeable {
    /**
     * How to serve.
     *
     * @param store    the store root (the folder holding {@code hub/})
     * @param bind     the address to listen on; loopback unless the user says otherwise
     * @param port     the port; 0 picks a free one
     * @param threads  connections served at once, one thread each (more wait to be accepted)
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
        /** Connections served at once (one thread each) when no number is given. */
        public static final int DEFAULT_THREADS = 256;
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

    private final Http1Server server;
    private final HubHandler handler;
    private final String url;
    private volatile boolean closed;

    private HubServer(Http1Server server, HubHandler handler, String url) {
        this.server = server;
        this.handler = handler;
        this.url = url;
    }

    /**
     * Binds and starts serving.
     *
     * @throws IOException when the address cannot be bound (in use, or not local)
     */
    public static HubServer start(Options options) throws IOException {
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
        handler[0] = new HubHandler(HubHandler.routes(lookup, options.pageSize(), status,
                new DjlRepositoryRoute(root)), options.tokens());
        Http1Server server = Http1Server.start(new InetSocketAddress(options.bind(), options.port()), options.tls(),
                handler[0], options.threads(), BACKLOG);
        InetSocketAddress bound = server.address();
        InetAddress boundAddress = bound.getAddress();
        String host = boundAddress.getHostAddress();
        if (boundAddress instanceof Inet6Address) {
            int zone = host.indexOf('%');
            host = "[" + (zone < 0 ? host : host.substring(0, zone)) + "]";
        }
        String scheme = options.tls() != null ? "https" : "http";
        return new HubServer(server, handler[0], scheme + "://" + host + ":" + bound.getPort());
    }

    /** The base URL clients set as their endpoint, {@code http[s]://ADDRESS:PORT}, without a trailing slash. */
    public String url() {
        return url;
    }

    public int port() {
        return server.address().getPort();
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
        server.close();
    }
}
