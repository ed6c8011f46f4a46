package dev.modelredirect.cli;

import dev.modelredirect.config.Config;
import dev.modelredirect.config.Key;
import dev.modelredirect.fetch.ProgressListener;
import dev.modelredirect.json.Json;
import dev.modelredirect.log.Log;
import dev.modelredirect.serve.AccessTokens;
import dev.modelredirect.serve.HubServer;
import dev.modelredirect.serve.PemTls;
import dev.modelredirect.store.ModelStore;
import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import javax.net.ssl.SSLContext;

/**
 * {@code serve [--port N] [--bind ADDR] [--threads N] [--tls-cert PEM --tls-key PEM] [--token-file FILE]}: serves the
 * store read-only over the Hub's HTTP protocol until the process is stopped (SIGTERM, Ctrl-C). The first line on
 * stdout is {@code model-redirect: serving <store> at http[s]://ADDRESS:PORT}. On a non-loopback address without a
 * token file it warns, in one line, that anyone who reaches the port can read the store. When the endpoint key is given explicitly (option,
 * system property or {@code MODEL_REDIRECT_ENDPOINT}) and the store is writable and not offline, it is a pull-through
 * mirror of that endpoint.
 */
final class ServeCommand extends StoreCommand {
    static final int DEFAULT_PORT = 8080;

    private final CountDownLatch stopped = new CountDownLatch(1);
    private final java.util.concurrent.atomic.AtomicBoolean closedOnce =
            new java.util.concurrent.atomic.AtomicBoolean();

    @Override
    public String name() {
        return "serve";
    }

    @Override
    public String summary() {
        return "serve the store over the Hub's HTTP protocol, as other machines' endpoint";
    }

    @Override
    public String help() {
        return String.join("\n",
                "Usage: java -jar model-redirect.jar serve [--port N] [--bind ADDR] [--threads N]",
                "                                          [--tls-cert PEM --tls-key PEM] [--token-file FILE] [options]",
                "",
                "Serves the store's hub/ folder over the Hugging Face Hub's HTTP protocol (resolve, revision, tree and",
                "paths-info requests), so that other machines and the Hub's own clients set it as their endpoint:",
                "  -Dmodel.redirect.endpoint=http://HOST:PORT, HF_ENDPOINT=http://HOST:PORT, hubUrl in @huggingface/hub.",
                "GET / is a status page (models, revisions, sizes, pins, hits and misses, the client commands);",
                "GET /api/status is the same as JSON.",
                "The first line on stdout is 'model-redirect: serving <store> at http[s]://ADDRESS:PORT'; then one line",
                "per request on stderr (method, path, status, bytes, milliseconds; none with --log quiet). Runs until",
                "stopped with Ctrl-C or SIGTERM.",
                "",
                "Read-only: nothing in the store is written, and nothing outside <store>/hub is ever served. A file,",
                "revision or repository the store does not have is answered 404 as the Hub does (X-Error-Code",
                "RepoNotFound, RevisionNotFound, EntryNotFound).",
                "",
                "Pull-through mirror: when the endpoint key is given explicitly (--endpoint, -Dmodel.redirect.endpoint",
                "or MODEL_REDIRECT_ENDPOINT; not HF_ENDPOINT, not the built-in default) and neither --offline nor a",
                "read-only store forbids it, a miss is fetched once from that endpoint into the store (verified, as",
                "`pull` does), then served; concurrent requests for it wait for that one download. A branch the store",
                "already has is served at the commit it has; `pull --update` moves it. The first request for a large",
                "missing file is answered when its download is complete; pre-fill with `pull` to avoid the wait.",
                "",
                "Options:",
                "  --port N           port to listen on (default " + DEFAULT_PORT + "; 0 picks a free port)",
                "  --bind ADDR        address to listen on (default 127.0.0.1, this machine only; 0.0.0.0 for every",
                "                     interface: anyone who reaches it can read the whole store, unless --token-file)",
                "  --tls-cert PEM     speak HTTPS with this certificate chain (PEM, server certificate first);",
                "  --tls-key PEM      and its unencrypted private key (PEM, PKCS#8 or PKCS#1). Clients trust",
                "                     the CA with ca-file=CA.pem (the agent), SSL_CERT_FILE, NODE_EXTRA_CA_CERTS,",
                "                     curl --cacert",
                "  --token-file FILE  every request needs 'Authorization: Bearer TOKEN' with a token of FILE",
                "                     (one a line, like hf_...; # starts a comment), else 401; clients set",
                "                     HF_TOKEN. FILE is re-read when it changes: delete a line to revoke a token.",
                "                     Tokens are never logged",
                "  --threads N        connections served at once, one thread each (default "
                        + HubServer.Options.DEFAULT_THREADS + "); more wait to be accepted",
                "  --json             print the first line as JSON: {\"store\", \"url\", \"upstream\"}",
                "",
                StoreOptions.HELP);
    }

    @Override
    Set<String> valuedOptions() {
        return Set.of("port", "bind", "threads", "tls-cert", "tls-key", "token-file");
    }

    @Override
    int execute(Arguments args, PrintStream out, PrintStream err) throws UsageException {
        if (!args.positional().isEmpty()) {
            throw new UsageException("'serve' takes no SOURCE, got '" + args.positional().get(0) + "'");
        }
        int port = number(args, "port", DEFAULT_PORT, 0, 65535);
        int threads = number(args, "threads", HubServer.Options.DEFAULT_THREADS, 1, 4096);
        InetAddress bind;
        String bindText = args.option("bind") == null ? "127.0.0.1" : args.option("bind");
        try {
            bind = InetAddress.getByName(bindText);
        } catch (UnknownHostException ex) {
            throw new UsageException("--bind '" + bindText + "' is not an address of this machine");
        }
        SSLContext tls;
        AccessTokens tokens;
        try {
            tls = tls(args);
            tokens = tokens(args);
        } catch (IOException ex) {
            err.println("model-redirect: serve: " + ex.getMessage());
            return 1;
        }
        Config config = StoreOptions.load(args, err);
        ModelStore mirror = null;
        String upstream = null;
        if (endpointGiven(args)) {
            upstream = config.endpoint();
            if (config.offline()) {
                Log.info("serve: offline=true, so the endpoint %s is not used: a miss is answered 404", upstream);
                upstream = null;
            } else if (loopsBack(upstream, bind, port)) {
                Log.warn("serve: the endpoint %s is this server itself, so it is not used as upstream: a miss is "
                        + "answered 404. Give the upstream Hub with --endpoint URL", upstream);
                upstream = null;
            } else {
                mirror = ModelStore.open(config, ProgressListener.NONE);
                if (mirror.isReadOnly()) {
                    Log.warn("serve: the store %s is read-only, so misses cannot be fetched from %s: a miss is "
                            + "answered 404", mirror.root(), upstream);
                    mirror.close();
                    mirror = null;
                    upstream = null;
                }
            }
        }
        HubServer.Options options = HubServer.Options.loopback(config.store()).withAddress(bind, port)
                .withThreads(threads).withTls(tls).withTokens(tokens).withLockfile(config.lockfile());
        if (mirror != null) {
            options = options.withUpstream(mirror, upstream);
        }
        HubServer server;
        try {
            server = HubServer.start(options);
        } catch (IOException ex) {
            if (mirror != null) {
                mirror.close();
            }
            String why = ex instanceof BindException ? "the port is in use or the address is not of this machine"
                    : String.valueOf(ex.getMessage());
            err.println("model-redirect: serve cannot listen on " + bindText + ":" + port + ": " + why
                    + "; choose another --port (0 picks a free one) or --bind address");
            return 1;
        }
        ModelStore closeWithServer = mirror;
        Thread hook = new Thread(() -> stop(server, closeWithServer), "model-redirect-serve-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        if (args.flag("json")) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("store", config.store().toString());
            line.put("url", server.url());
            line.put("upstream", upstream);
            out.println(Json.write(line).strip().replaceAll("\\s*\\n\\s*", " "));
        } else {
            out.println("model-redirect: serving " + config.store() + " at " + server.url());
        }
        out.flush();
        String exposed = exposureWarning(bind, server.port(), tokens != null, config.store().toString());
        if (exposed != null) {
            Log.warn("%s", exposed);
        }
        if (!Files.isDirectory(config.store().resolve("hub"))) {
            Log.info("serve: %s has no hub/ folder yet: every request is a miss", config.store());
        }
        Log.info("serve: %s; stop with Ctrl-C", upstream != null ? "pull-through mirror of " + upstream
                + ": a miss is fetched once into the store, then served"
                : "read-only: a miss is answered 404 (a pull-through mirror needs --endpoint URL)");
        try {
            stopped.await();
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        } finally {
            stop(server, closeWithServer);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or has run
            }
        }
        return 0;
    }

    /** Stops a running {@link #run}: what the shutdown hook does, and tests. */
    void stop() {
        stopped.countDown();
    }

    private void stop(HubServer server, ModelStore mirror) {
        if (!closedOnce.getAndSet(true)) {
            Log.info("serve: stopping after %d requests", server.requests());
        }
        server.close();
        if (mirror != null) {
            mirror.close();
        }
        stopped.countDown();
    }

    /**
     * The one warning line for a server other machines can reach without a token, or null: who can read what.
     */
    static String exposureWarning(InetAddress bind, int port, boolean tokens, String store) {
        if (tokens || bind.isLoopbackAddress()) {
            return null;
        }
        String who = bind.isAnyLocalAddress() ? "anyone who can reach any address of this machine"
                : "anyone who can reach " + bind.getHostAddress();
        return "serve: no --token-file: " + who + " on port " + port + " can read every model in " + store
                + "; give --token-file FILE to require a bearer token";
    }

    /** The TLS context of --tls-cert and --tls-key, or null when neither is given. */
    private static SSLContext tls(Arguments args) throws UsageException, IOException {
        String cert = args.option("tls-cert");
        String key = args.option("tls-key");
        if (cert == null && key == null) {
            return null;
        }
        if (cert == null || key == null) {
            throw new UsageException("--tls-cert and --tls-key go together: give the certificate chain and its "
                    + "private key (both PEM)");
        }
        try {
            return PemTls.context(Path.of(cert), Path.of(key));
        } catch (InvalidPathException ex) {
            throw new UsageException("--tls-cert/--tls-key: " + ex.getMessage());
        }
    }

    private static AccessTokens tokens(Arguments args) throws IOException {
        String file = args.option("token-file");
        if (file == null) {
            return null;
        }
        try {
            AccessTokens tokens = AccessTokens.load(Path.of(file));
            if (tokens.count() == 0) {
                Log.warn("serve: the token file %s holds no token: every request is refused until one is added",
                        tokens.file());
            }
            return tokens;
        } catch (IOException | InvalidPathException ex) {
            throw new IOException("--token-file " + file + " cannot be read (" + ex.getClass().getSimpleName()
                    + "); give a file of one token a line, readable by this user", ex);
        }
    }

    private static boolean endpointGiven(Arguments args) {
        return args.option("endpoint") != null || System.getProperty(Key.ENDPOINT.propertyName()) != null
                || System.getenv(Key.ENDPOINT.envName()) != null;
    }

    /** Whether {@code endpoint} names this server: same port, and a loopback, wildcard or local address. */
    static boolean loopsBack(String endpoint, InetAddress bind, int port) {
        try {
            URI uri = URI.create(endpoint);
            int endpointPort = uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443
                    : 80;
            if (port == 0 || endpointPort != port || uri.getHost() == null) {
                return false;
            }
            InetAddress host = InetAddress.getByName(uri.getHost());
            return host.isLoopbackAddress() || host.isAnyLocalAddress() || host.equals(bind)
                    || NetworkInterface.getByInetAddress(host) != null;
        } catch (IOException | IllegalArgumentException ex) {
            return false;
        }
    }

    private static int number(Arguments args, String name, int fallback, int min, int max) throws UsageException {
        String text = args.option(name);
        if (text == null) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text.trim());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // below
        }
        throw new UsageException("--" + name + " must be a number from " + min + " to " + max + ", got '" + text
                + "'");
    }
}
