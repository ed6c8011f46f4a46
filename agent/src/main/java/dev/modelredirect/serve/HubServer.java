package dev.modelredirect.serve;

import com.sun.net.httpserver.HttpServer;
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
 * carry {@code X-Error-Code} {@code RepoNotFound}, {@code RevisionNotFound} or {@code EntryNotFound}.
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
     */
    public record Options(Path store, InetAddress bind, int port, int threads, ModelStore upstream,
            String upstreamEndpoint, int pageSize) {
        /** Threads when none are given. */
        public static final int DEFAULT_THREADS = 32;
        /** The Hub's page size for the tree API. */
        public static final int DEFAULT_PAGE_SIZE = 1000;

        public Options {
            if (threads < 1 || pageSize < 1 || port < 0 || port > 65535) {
                throw new IllegalArgumentException("threads and pageSize must be positive, port 0 to 65535");
            }
        }

        /** Read-only on loopback, a free port, default threads and page size. */
        public static Options loopback(Path store) {
            return new Options(store, InetAddress.getLoopbackAddress(), 0, DEFAULT_THREADS, null, null,
                    DEFAULT_PAGE_SIZE);
        }

        /** These options as a pull-through mirror fetching misses through {@code mirror} from {@code endpoint}. */
        public Options withUpstream(ModelStore mirror, String endpoint) {
            return new Options(store, bind, port, threads, mirror, endpoint, pageSize);
        }

        public Options withPageSize(int size) {
            return new Options(store, bind, port, threads, upstream, upstreamEndpoint, size);
        }

        public Options withThreads(int count) {
            return new Options(store, bind, port, count, upstream, upstreamEndpoint, pageSize);
        }

        public Options withAddress(InetAddress address, int portNumber) {
            return new Options(store, address, portNumber, threads, upstream, upstreamEndpoint, pageSize);
        }
    }

    /** How long {@link #close} lets running exchanges finish. */
    public static final long GRACE_MILLIS = 2000;

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
        PullThrough pull = options.upstream() == null ? null
                : new PullThrough(options.upstream(), options.upstreamEndpoint());
        HubHandler handler = new HubHandler(new StoreView(options.store()), pull, options.pageSize());
        handler.zoo = new DjlRepositoryRoute(options.store());
        HttpServer server = HttpServer.create(new InetSocketAddress(options.bind(), options.port()), 128);
        AtomicInteger ids = new AtomicInteger();
        ThreadPoolExecutor executor = new ThreadPoolExecutor(options.threads(), options.threads(), 60,
                TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                    Thread thread = new Thread(r, "model-redirect-serve-" + ids.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        executor.allowCoreThreadTimeOut(true);
        server.setExecutor(executor);
        server.createContext("/", handler);
        server.start();
        InetSocketAddress bound = server.getAddress();
        InetAddress address = bound.getAddress();
        String host = address.getHostAddress();
        if (address instanceof Inet6Address) {
            int zone = host.indexOf('%');
            host = "[" + (zone < 0 ? host : host.substring(0, zone)) + "]";
        }
        return new HubServer(server, executor, handler, "http://" + host + ":" + bound.getPort());
    }

    /** The base URL clients set as their endpoint, {@code http://ADDRESS:PORT}, without a trailing slash. */
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
