package dev.modelredirect.fetch;

import dev.modelredirect.config.Config;
import dev.modelredirect.config.NetworkSettings;
import dev.modelredirect.log.Log;
import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * The one HTTP client of the product, over OkHttp: no automatic redirects, identity encoding (so sizes and ranges
 * mean bytes on disk), the token only where {@link AuthPolicy} allows, and retries per {@link RetryPolicy}.
 *
 * <p>Redirects are followed here, by hand, so that each hop is checked: at most {@value #MAX_REDIRECTS} hops, only to
 * http(s), never from https down to http, and the {@code Authorization} header recomputed for every hop.
 *
 * <p>Proxies come from {@link ProxyRoutes} (the environment, as curl reads it); https goes through a proxy in a
 * {@code CONNECT} tunnel, so the proxy never sees a header; a plain-http request that goes through a proxy never
 * carries the token, since the proxy would read it. An extra {@link TrustBundle} ({@code ca-file}) is added to the
 * JDK's trust for every TLS connection.
 */
public final class Http implements Closeable {
    /** The most redirects one request follows. */
    public static final int MAX_REDIRECTS = 10;

    /** How redirects are handled by {@link #execute}. */
    public enum Redirects {
        /** Return the first response, redirect or not. */
        NONE,
        /** Follow redirects whose {@code Location} is relative (a renamed repository), return the first absolute one. */
        RELATIVE_ONLY,
        /** Follow every redirect. */
        ALL
    }

    /**
     * A handle that ends a request's exchange at once: give it to {@link #execute(Request, Redirects, Abort)};
     * {@link #now()} closes the connection, so the unread rest of a body is neither drained nor sent further by the
     * server (closing a response normally reads on for a while to keep the connection). (Not an OkHttp request tag:
     * reading a tag by class initialises Kotlin's reflection, some 60 classes, on the first request.)
     */
    public static final class Abort {
        private volatile okhttp3.Call call;

        /** Cancels the request's current call, if any. */
        public void now() {
            okhttp3.Call current = call;
            if (current != null) {
                current.cancel();
            }
        }
    }

    /** Cleartext only: built without the TLS set-up (trust store, socket factory) that plain http never needs. */
    private final OkHttpClient client;
    /** The TLS client, made from {@link #client} on the first https request. */
    private volatile OkHttpClient tlsClient;
    private final javax.net.ssl.SSLSocketFactory sockets;
    private final javax.net.ssl.X509TrustManager trustManager;
    private final AuthPolicy auth;
    private final RetryPolicy retry;
    private final String userAgent;
    private final ProxyRoutes proxies;
    private final NetworkSettings network;

    public Http(AuthPolicy auth, RetryPolicy retry, Duration connectTimeout, Duration readTimeout) {
        this(auth, retry, connectTimeout, readTimeout, null, null, NetworkSettings.DIRECT);
    }

    /** A client with default timeouts that uses the proxies and the extra trust of {@code network}. */
    public Http(AuthPolicy auth, RetryPolicy retry, NetworkSettings network) {
        this(auth, retry, Duration.ofSeconds(10), Duration.ofSeconds(60), network);
    }

    /** A client with the proxies and the extra trust of {@code network}. */
    public Http(AuthPolicy auth, RetryPolicy retry, Duration connectTimeout, Duration readTimeout,
            NetworkSettings network) {
        this(auth, retry, connectTimeout, readTimeout, null, null, network);
    }

    Http(AuthPolicy auth, RetryPolicy retry, Duration connectTimeout, Duration readTimeout,
            javax.net.ssl.SSLSocketFactory sockets, javax.net.ssl.X509TrustManager trustManager) {
        this(auth, retry, connectTimeout, readTimeout, sockets, trustManager, NetworkSettings.DIRECT);
    }

    /**
     * A client that trusts {@code trustManager} instead of the JVM's trust store; for tests with their own
     * certificate authority. Certificates and host names are verified either way.
     */
    private Http(AuthPolicy auth, RetryPolicy retry, Duration connectTimeout, Duration readTimeout,
            javax.net.ssl.SSLSocketFactory sockets, javax.net.ssl.X509TrustManager trustManager,
            NetworkSettings network) {
        this.network = network;
        this.proxies = ProxyRoutes.fromVariables(network.proxyVariables());
        this.auth = auth;
        this.retry = retry;
        this.userAgent = "model-redirect/" + version() + "; java/" + System.getProperty("java.version");
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequestsPerHost(16);
        this.sockets = sockets;
        this.trustManager = trustManager;
        this.client = new OkHttpClient.Builder()
                .connectionSpecs(java.util.List.of(okhttp3.ConnectionSpec.CLEARTEXT))
                .followRedirects(false)
                .followSslRedirects(false)
                .retryOnConnectionFailure(false)
                .connectTimeout(connectTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(readTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .writeTimeout(readTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .connectionPool(new ConnectionPool(8, 1, TimeUnit.MINUTES))
                .dispatcher(dispatcher)
                .proxySelector(proxies.selector())
                .proxyAuthenticator(proxies.authenticator())
                .build();
    }

    /** A client with default timeouts (10 s connect, 60 s read). */
    public Http(AuthPolicy auth, RetryPolicy retry) {
        this(auth, retry, Duration.ofSeconds(10), Duration.ofSeconds(60));
    }

    public RetryPolicy retryPolicy() {
        return retry;
    }

    /**
     * Loads and initialises the HTTP and hashing classes in a background thread, so a command that is about to
     * download does not pay for it on the first request. Creates no client and opens no connection.
     */
    public static void preload() {
        Thread thread = new Thread(() -> {
            try {
                ClassLoader loader = Http.class.getClassLoader();
                // first: the first URL parsed (on the command's path, the endpoint's) pays for OkHttp's host name
                // code, IDNA table and the JDK's Unicode normaliser, some 10 ms before the first request
                HttpUrl.get(Config.DEFAULT_ENDPOINT);
                for (String name : new String[] {"okhttp3.OkHttpClient", "okhttp3.OkHttpClient$Builder",
                        "okhttp3.internal.platform.Platform", "okhttp3.Request$Builder",
                        "okhttp3.internal.connection.RealCall", "okio.Buffer"}) {
                    Class.forName(name, true, loader);
                }
                java.security.MessageDigest.getInstance("SHA-256").update(new byte[64]);
            } catch (ReflectiveOperationException | java.security.GeneralSecurityException | LinkageError ex) {
                Log.debug("preloading the HTTP classes failed (%s); they load on first use", ex);
            }
        }, "model-redirect-preload");
        thread.setDaemon(true);
        thread.start();
    }

    /** The product version from the jar manifest, or {@code dev}. */
    public static String version() {
        String version = Http.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    /** A GET or HEAD request builder with the product's standard headers. */
    public Request.Builder request(HttpUrl url) {
        Request.Builder builder = new Request.Builder().url(url)
                .header("User-Agent", userAgent)
                .header("Accept-Encoding", "identity");
        String authorization = authorizationFor(url);
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        return builder;
    }

    /** A POST of a JSON body. */
    public Request post(HttpUrl url, String json) {
        return request(url).post(RequestBody.create(json, MediaType.get("application/json"))).build();
    }

    /**
     * Sends a request once per attempt until it succeeds, fails for good, or retries are spent; follows redirects as
     * asked. Returns any non-retryable response (2xx, 3xx, 4xx): the caller reads and closes it.
     *
     * @throws FetchException when retries are spent on connection errors or retryable statuses
     */
    public Response execute(Request request, Redirects redirects) throws IOException {
        return execute(request, redirects, null);
    }

    /**
     * {@link #execute(Request, Redirects)}, with a handle that cancels whichever attempt or redirect hop is under way
     * (null for none).
     */
    public Response execute(Request request, Redirects redirects, Abort abort) throws IOException {
        Request current = request;
        for (int hop = 0; ; hop++) {
            Response response = executeWithRetries(current, abort);
            if (!response.isRedirect() || redirects == Redirects.NONE) {
                return response;
            }
            String location = response.header("Location");
            if (location == null) {
                return response;
            }
            boolean relative = isRelative(location);
            if (redirects == Redirects.RELATIVE_ONLY && !relative) {
                return response;
            }
            HttpUrl next = current.url().resolve(location);
            if (next == null) {
                response.close();
                throw new FetchException("the server at " + describe(current.url()) + " redirected to '"
                        + location + "', which is not an http(s) URL; check the endpoint key");
            }
            if (current.url().isHttps() && !next.isHttps()) {
                response.close();
                throw new FetchException("the server at " + describe(current.url())
                        + " redirected from https to plain http (" + describe(next)
                        + "); refused so that no credential or data travels unencrypted; fix the server or the URL");
            }
            if (hop >= MAX_REDIRECTS) {
                response.close();
                throw new FetchException("too many redirects (more than " + MAX_REDIRECTS + ") starting at "
                        + describe(request.url()) + "; check the URL or the server");
            }
            response.close();
            Request.Builder builder = current.newBuilder().url(next).removeHeader("Authorization");
            String authorization = authorizationFor(next);
            if (authorization != null) {
                builder.header("Authorization", authorization);
            }
            if (response.code() == 303 && !current.method().equals("HEAD")) {
                builder.get();
            }
            current = builder.build();
        }
    }

    /** The token for {@code url}: as {@link AuthPolicy} allows, and never in plain http through a proxy. */
    private String authorizationFor(HttpUrl url) {
        String authorization = auth.authorizationFor(url);
        if (authorization != null && !url.isHttps() && proxies.proxied(url)) {
            Log.debug("%s goes through the proxy %s in plain http: the token is not sent", describe(url),
                    proxies.describe(url));
            return null;
        }
        return authorization;
    }

    /** A redirect target without scheme and host: a path on the same server. */
    public static boolean isRelative(String location) {
        String lower = location.toLowerCase(Locale.ROOT);
        return !(lower.startsWith("http://") || lower.startsWith("https://") || lower.startsWith("//"));
    }

    private Response executeWithRetries(Request request, Abort abort) throws IOException {
        long waited = 0;
        IOException lastError = null;
        for (int attempt = 1; ; attempt++) {
            String retryAfter = null;
            String failure;
            proxies.check(request.url());
            OkHttpClient chosen = clientFor(request.url());
            try {
                okhttp3.Call call = chosen.newCall(request);
                if (abort != null) {
                    abort.call = call;
                }
                Response response = call.execute();
                if (!RetryPolicy.isRetryableStatus(response.code())) {
                    return response;
                }
                retryAfter = response.header("Retry-After");
                failure = "HTTP " + response.code();
                response.close();
            } catch (InterruptedIOException ex) {
                if (!(ex instanceof SocketTimeoutException) && Thread.currentThread().isInterrupted()) {
                    throw ex;
                }
                lastError = ex;
                failure = "timeout";
            } catch (javax.net.ssl.SSLException ex) {
                throw new FetchException("the TLS certificate of " + describe(request.url()) + " cannot be trusted ("
                        + ex.getMessage() + "); nothing was downloaded. If the server uses a private certificate "
                        + "authority, give its PEM file with the key ca-file (or SSL_CERT_FILE)", ex);
            } catch (IOException ex) {
                lastError = ex;
                failure = ex.getClass().getSimpleName() + ": " + ex.getMessage();
            }
            Duration delay = retry.delayAfter(attempt, retryAfter);
            if (attempt >= retry.maxAttempts() || waited + delay.toMillis() > retry.maxTotalWait().toMillis()) {
                String via = proxies.describe(request.url());
                throw new FetchException("cannot reach " + describe(request.url()) + (via == null ? "" : " through "
                        + "the proxy " + via) + " after " + attempt + " attempts (last: " + failure + "); check the "
                        + "network, the endpoint key" + (via == null ? "" : " and the proxy") + ", then try again",
                        lastError);
            }
            Log.debug("%s %s failed (%s); retry %d in %d ms", request.method(), describe(request.url()), failure,
                    attempt, delay.toMillis());
            sleep(delay);
            waited += delay.toMillis();
        }
    }

    private OkHttpClient clientFor(HttpUrl url) throws FetchException {
        if (!url.isHttps()) {
            return client;
        }
        OkHttpClient tls = tlsClient;
        if (tls == null) {
            synchronized (this) {
                if (tlsClient == null) {
                    OkHttpClient.Builder builder = client.newBuilder().connectionSpecs(
                            java.util.List.of(okhttp3.ConnectionSpec.MODERN_TLS, okhttp3.ConnectionSpec.CLEARTEXT));
                    if (sockets != null) {
                        builder.sslSocketFactory(sockets, trustManager);
                    } else if (network.caFile().isPresent()) {
                        TrustBundle bundle = TrustBundle.load(network.caFile().get(), network.caFileOrigin());
                        builder.sslSocketFactory(bundle.sockets(), bundle.trustManager());
                    }
                    tlsClient = builder.build();
                }
                tls = tlsClient;
            }
        }
        return tls;
    }

    static void sleep(Duration delay) throws InterruptedIOException {
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to retry");
        }
    }

    /** A URL for messages: scheme, host, port and path, never the query (it may hold a signature). */
    public static String describe(HttpUrl url) {
        return url.newBuilder().query(null).fragment(null).build().toString();
    }

    /** A failure for a response that is not success: status, URL and the headers a caller may explain. */
    public static HttpStatusException statusError(Response response, String what) {
        Map<String, String> headers = new HashMap<>();
        Headers all = response.headers();
        for (String name : all.names()) {
            headers.put(name.toLowerCase(Locale.ROOT), all.get(name));
        }
        return new HttpStatusException(response.code(), describe(response.request().url()), headers,
                what + ": HTTP " + response.code() + " from " + describe(response.request().url()));
    }

    @Override
    public void close() {
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
    }
}
