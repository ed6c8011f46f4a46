package dev.modelredirect.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelredirect.testing.Content;
import dev.modelredirect.testing.FakeHub;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The documented caching proxy ({@code docs/nginx/model-cache.conf}, placeholders filled in) between four machines and
 * an upstream: four {@code pull}s of one whole repository at once, each into its own store, with the proxy as
 * {@code endpoint}. In front of a Hub that redirects large files to its CDN (FakeHub, which counts its requests), every
 * byte of every file crosses the upstream link once; in front of {@code serve} (a forwarder counts the bytes it sends),
 * one copy plus headers crosses the link.
 */
class NginxCacheForManyMachinesIT {
    private static final long MIB = 1 << 20;
    private static final int CLIENTS = 4;
    private static final Path TEMPLATE = Path.of(System.getProperty("project.root", "..")).resolve(
            "docs/nginx/model-cache.conf");

    private FakeHub hub;
    private Path work;
    private ChildJvm nginx;
    private final Map<String, Content> files = new LinkedHashMap<>();

    @BeforeEach
    void hubWithSmallAndLargeFiles() throws IOException {
        hub = new FakeHub();
        files.put("config.json", Content.of("{\"hidden\": 64}"));
        files.put("tokenizer.json", Content.synthetic(300 * 1024, 71));
        files.put("small.bin", Content.synthetic(MIB, 72));
        files.put("weights.bin", Content.synthetic(40 * MIB, 73));
        FakeHub.Repo repo = hub.model("org/big");
        repo.file("config.json", files.get("config.json"), false);
        repo.file("tokenizer.json", files.get("tokenizer.json"), false);
        repo.lfs("small.bin", files.get("small.bin"));
        repo.lfs("weights.bin", files.get("weights.bin"));
        files.values().forEach(Content::sha256);
        work = Scratch.fresh("nginx-cache-for-many-machines");
    }

    @AfterEach
    void stopEverything() {
        if (nginx != null) {
            nginx.close();
        }
        hub.close();
    }

    @Test
    void fourMachinesPullingOneRepositoryThroughTheProxyCostTheUpstreamEachFileOnce() throws Exception {
        Path binary = nginxWithSlices();
        int port = freePort();
        startNginx(binary, port, hub.endpoint(), cdnOrigin());
        hub.clearRequests();

        long delivered = pullOnFourMachines("http://127.0.0.1:" + port);

        Map<String, Long> upstreamBytes = contentBytesUpstream();
        long upstream = upstreamBytes.values().stream().mapToLong(Long::longValue).sum();
        System.out.printf("NginxCacheForManyMachinesIT: %d machines received %d bytes of files (%d each); %d bytes "
                + "of files crossed the upstream link (%.2fx one copy); upstream requests: %s%n", CLIENTS, delivered,
                delivered / CLIENTS, upstream, upstream / (double) (delivered / CLIENTS), requestSummary());
        for (Map.Entry<String, Content> file : files.entrySet()) {
            assertThat(upstreamBytes.getOrDefault(file.getKey(), 0L)).as("bytes of %s fetched upstream; requests %s",
                    file.getKey(), hub.requests()).isEqualTo(file.getValue().size());
        }
        assertThat(upstream).isEqualTo(delivered / CLIENTS);
    }

    @Test
    void fourMachinesBehindTheProxyCostAServeInstanceOneCopy() throws Exception {
        Path binary = nginxWithSlices();
        Path serverStore = work.resolve("server-store");
        ChildJvm.Exit fill = ChildJvm.run(Duration.ofMinutes(2), work, "pull", "hf://org/big", "--store",
                serverStore.toString(), "--endpoint", hub.endpoint());
        assertThat(fill.code()).as(fill.describe()).isZero();
        hub.close(); // from here on, every byte comes from serve
        int servePort = freePort();
        try (ChildJvm serve = ChildJvm.cli(work.resolve("serve"), "serve", "--port", String.valueOf(servePort),
                "--store", serverStore.toString()).start();
                ConnectionCounter link = new ConnectionCounter(servePort)) {
            awaitPort(servePort, serve);
            int port = freePort();
            startNginx(binary, port, link.url(), "http://127.0.0.1:9");

            long delivered = pullOnFourMachines("http://127.0.0.1:" + port);

            long oneCopy = delivered / CLIENTS;
            long upstream = link.bytesFromTarget();
            System.out.printf("NginxCacheForManyMachinesIT (serve upstream): %d machines received %d bytes of files; "
                    + "%d bytes (headers and API answers included) crossed the link from serve (%.3fx one copy of "
                    + "%d bytes), in %d connections%n", CLIENTS, delivered, upstream, upstream / (double) oneCopy,
                    oneCopy, link.connections());
            assertThat(upstream).as("bytes from serve, headers included; serve's log:%n%s", serve.stderr())
                    .isGreaterThanOrEqualTo(oneCopy).isLessThan(oneCopy + 256 * 1024);
        }
    }

    /** Four pulls of hf://org/big at once, each into its own store; checks every file; the bytes they received. */
    private long pullOnFourMachines(String proxy) throws IOException {
        List<ChildJvm> children = new ArrayList<>();
        List<ChildJvm.Exit> exits = new ArrayList<>();
        try {
            for (int i = 0; i < CLIENTS; i++) {
                children.add(ChildJvm.cli(work.resolve("machine-" + i), "pull", "hf://org/big", "--store",
                        work.resolve("machine-" + i + "/models").toString(), "--endpoint", proxy).start());
            }
            for (ChildJvm child : children) {
                exits.add(child.awaitExit(Duration.ofMinutes(3)));
            }
        } finally {
            children.forEach(ChildJvm::close);
        }
        long delivered = 0;
        for (int i = 0; i < CLIENTS; i++) {
            ChildJvm.Exit exit = exits.get(i);
            assertThat(exit.code()).as(exit.describe()).isZero();
            RepoFolder repo = RepoFolder.model(work.resolve("machine-" + i + "/models"), "org/big");
            Path snapshot;
            try (Stream<Path> snapshots = Files.list(repo.dir().resolve("snapshots"))) {
                snapshot = snapshots.findFirst().orElseThrow();
            }
            for (Map.Entry<String, Content> file : files.entrySet()) {
                assertThat(RepoFolder.sha256(snapshot.resolve(file.getKey()))).as("machine %d: %s", i, file.getKey())
                        .isEqualTo(file.getValue().sha256());
                delivered += file.getValue().size();
            }
        }
        return delivered;
    }

    private static void awaitPort(int port, ChildJvm owner) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException notYet) {
                if (!owner.isAlive()) {
                    break;
                }
                Thread.sleep(100);
            }
        }
        throw new AssertionError("nothing listens on port " + port + ": " + owner.stderr());
    }

    /** Bytes of each file's content the upstream (Hub resolve GETs, CDN GETs) was asked for. */
    private Map<String, Long> contentBytesUpstream() {
        Map<String, Long> bytes = new TreeMap<>();
        for (FakeHub.Seen seen : hub.requests("GET")) {
            String name = fileOf(seen);
            if (name == null) {
                continue;
            }
            long size = files.get(name).size();
            if (seen.server().equals("hub") && files.get(name).size() >= 0 && isLfs(name)) {
                continue; // a 302 to the CDN: no content
            }
            bytes.merge(name, rangeLength(seen.header("Range"), size), Long::sum);
        }
        return bytes;
    }

    private boolean isLfs(String name) {
        return name.endsWith(".bin");
    }

    private String fileOf(FakeHub.Seen seen) {
        String path = seen.path();
        int query = path.indexOf('?');
        String bare = query < 0 ? path : path.substring(0, query);
        for (Map.Entry<String, Content> file : files.entrySet()) {
            if (seen.server().equals("cdn") ? bare.endsWith("/" + file.getValue().sha256())
                    : bare.contains("/resolve/") && bare.endsWith("/" + file.getKey())) {
                return file.getKey();
            }
        }
        return null;
    }

    private static long rangeLength(String header, long size) {
        if (header == null) {
            return size;
        }
        String spec = header.substring("bytes=".length());
        int dash = spec.indexOf('-');
        long from = Long.parseLong(spec.substring(0, dash));
        long to = dash == spec.length() - 1 ? size : Math.min(size, Long.parseLong(spec.substring(dash + 1)) + 1);
        return Math.max(0, to - from);
    }

    private String requestSummary() {
        Map<String, Integer> counts = new TreeMap<>();
        for (FakeHub.Seen seen : hub.requests()) {
            String kind = seen.server() + " " + seen.method() + " "
                    + (seen.path().startsWith("/api/") ? "api" : seen.server().equals("cdn") ? "blob" : "resolve");
            counts.merge(kind, 1, Integer::sum);
        }
        return counts.toString();
    }

    /** nginx with the slice module, or the test is skipped (outside CI) saying why. */
    private static Path nginxWithSlices() throws IOException, InterruptedException {
        Path binary = Path.of("/usr/sbin/nginx");
        boolean ci = System.getenv("CI") != null || Boolean.getBoolean("it.requireNginx");
        if (!Files.isExecutable(binary)) {
            if (ci) {
                throw new AssertionError("nginx is missing on CI: .ci/run installs it (apt-get install nginx)");
            }
            Assumptions.abort("nginx is not installed (apt-get install nginx; .ci/run does it): the caching proxy "
                    + "test is skipped");
        }
        Process version = new ProcessBuilder(binary.toString(), "-V").redirectErrorStream(true).start();
        String text = new String(version.getInputStream().readAllBytes());
        version.waitFor();
        if (!text.contains("http_slice_module")) {
            Assumptions.abort("this nginx has no slice module (nginx-light?); install Debian's `nginx` package: "
                    + "the caching proxy test is skipped");
        }
        return binary;
    }

    private void startNginx(Path binary, int port, String upstream, String cdn) throws Exception {
        Path dir = Files.createDirectories(work.resolve("nginx"));
        String snippet = Files.readString(TEMPLATE)
                .replace("@LISTEN@", "127.0.0.1:" + port)
                .replace("@CACHE_DIR@", dir.resolve("cache").toString())
                .replace("@HUB@", upstream.replaceAll("/+$", ""))
                .replace("@CDN@", cdn);
        assertThat(snippet).as("every placeholder filled").doesNotContain("@");
        Files.writeString(dir.resolve("model-cache.conf"), snippet);
        Files.writeString(dir.resolve("nginx.conf"), String.join("\n",
                "daemon off;",
                "user " + System.getProperty("user.name") + ";",
                "worker_processes 2;",
                "pid " + dir.resolve("nginx.pid") + ";",
                "error_log " + dir.resolve("error.log") + " warn;",
                "events { worker_connections 256; }",
                "http {",
                "    access_log " + dir.resolve("access.log") + ";",
                "    client_body_temp_path " + dir.resolve("client_body") + ";",
                "    proxy_temp_path " + dir.resolve("proxy") + ";",
                "    fastcgi_temp_path " + dir.resolve("fastcgi") + ";",
                "    uwsgi_temp_path " + dir.resolve("uwsgi") + ";",
                "    scgi_temp_path " + dir.resolve("scgi") + ";",
                "    include " + dir.resolve("model-cache.conf") + ";",
                "}", ""));
        nginx = ChildJvm.program(dir, binary.toString(), "-c", dir.resolve("nginx.conf").toString(), "-p",
                dir + "/", "-e", dir.resolve("error.log").toString()).start();
        try {
            awaitPort(port, nginx);
        } catch (AssertionError ex) {
            throw new AssertionError("nginx did not start: " + nginx.stderr() + "\n"
                    + (Files.exists(dir.resolve("error.log")) ? Files.readString(dir.resolve("error.log")) : ""), ex);
        }
    }

    /** Scheme, host and port of the CDN the Hub redirects large files to, as the Hub names it in Location. */
    private String cdnOrigin() throws IOException {
        HttpURLConnection head = (HttpURLConnection) URI.create(hub.endpoint().replaceAll("/+$", "")
                + "/org/big/resolve/main/weights.bin").toURL().openConnection(java.net.Proxy.NO_PROXY);
        head.setRequestMethod("HEAD");
        head.setInstanceFollowRedirects(false);
        String location = head.getHeaderField("Location");
        head.disconnect();
        URI uri = URI.create(location);
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
