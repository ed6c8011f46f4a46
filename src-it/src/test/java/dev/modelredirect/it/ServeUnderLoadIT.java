package dev.modelredirect.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelredirect.testing.Content;
import dev.modelredirect.testing.FakeHub;
import dev.modelredirect.testing.FakeHub.FaultKind;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One {@code serve} (the real jar, {@code -Xmx64m}, a pull-through mirror of a slow upstream) and 64 clients at once:
 * our CLI ({@code pull}), the npm {@code @huggingface/hub} client and curl, pulling the same and different models,
 * plus two clients that hang up mid-request. Every client gets exact bytes, the upstream is asked for each file once,
 * the server's peak RSS stays bounded, and it is still up afterwards. Prints the peak RSS and a short measure of the
 * hit path (requests/s, p99); {@code src-it/bench/serve-load.sh} measures that path properly.
 */
class ServeUnderLoadIT {
    private static final Pattern FIRST_LINE = Pattern.compile("serving .+ at (http://127\\.0\\.0\\.1:\\d+)");
    private static final int CLIENTS = 64;
    private static final long MAX_PEAK_RSS_KIB = 450 << 10;

    private static NpmHubClient npm;

    private FakeHub hub;
    private Path work;
    private final Map<String, Content> weights = new TreeMap<>();
    private final Map<String, String> weightPaths = new TreeMap<>();
    private final Map<String, String> commits = new TreeMap<>();

    @BeforeAll
    static void installThePinnedNpmClient() throws IOException {
        npm = NpmHubClient.install("npm-client-load");
    }

    @BeforeEach
    void aSlowUpstreamWithThreeModels() throws IOException {
        if (!onPath("curl")) {
            String why = "curl is needed for a third of the clients and is not on the PATH; apt-get install curl";
            assertThat("true".equals(System.getenv("CI"))).as("on CI: " + why).isFalse();
            Assumptions.abort(why);
        }
        hub = new FakeHub();
        model("org/a", "model.bin", Content.synthetic(2 << 20, 31));
        model("org/b", "model.bin", Content.synthetic(1 << 20, 32));
        model("org/c", "weights/model.bin", Content.synthetic(3 << 20, 33));
        // about 1.3 MB/s per connection: every first request for a file waits for the mirror's one download
        hub.fault(s -> s.server().equals("cdn") && s.method().equals("GET"), Integer.MAX_VALUE, FaultKind.SLOW, 0,
                null, 128 * 1024);
        work = Scratch.fresh("serve-load");
    }

    private void model(String repo, String path, Content content) {
        commits.put(repo, hub.model(repo).file("config.json", "{\"repo\": \"" + repo + "\"}").lfs(path, content)
                .commit());
        weights.put(repo, content);
        weightPaths.put(repo, path);
    }

    @AfterEach
    void stopTheHub() {
        hub.close();
    }

    @Test
    void sixtyFourMixedClientsGetExactBytesWhileTheUpstreamSeesEachFileOnce() throws Exception {
        Path mirror = work.resolve("mirror");
        try (ChildJvm serve = ChildJvm.cli(work, "serve", "--port", "0", "--store", mirror.toString(), "--endpoint",
                hub.endpoint(), "--log", "quiet").jvmOption("-Xmx64m").start()) {
            String url = awaitUrl(serve);
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS + 2);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<String>> clients = new ArrayList<>();
            List<String> repos = new ArrayList<>(weights.keySet());
            for (int i = 0; i < CLIENTS; i++) {
                int n = i;
                String repo = repos.get(i % repos.size());
                clients.add(pool.submit(() -> {
                    go.await();
                    return switch (n % 4) {
                        case 0 -> ourCli(n, url, repo);
                        case 1 -> npmClient(n, url, repo);
                        default -> curl(n, url, repo);
                    };
                }));
            }
            Future<?> hangUpWhileWaiting = pool.submit(() -> {
                go.await();
                return hangUp(url, "/org/c/resolve/main/weights/model.bin", 0);
            });
            Future<?> hangUpMidFile = pool.submit(() -> {
                go.await();
                Thread.sleep(3000);
                return hangUp(url, "/org/a/resolve/main/model.bin", 64 * 1024);
            });
            go.countDown();
            Map<String, Integer> kinds = new TreeMap<>();
            for (Future<String> client : clients) {
                kinds.merge(client.get(4, TimeUnit.MINUTES), 1, Integer::sum);
            }
            hangUpWhileWaiting.get(1, TimeUnit.MINUTES);
            hangUpMidFile.get(1, TimeUnit.MINUTES);
            pool.shutdown();
            assertThat(kinds).as("clients that got exact bytes").containsEntry("cli", 16).containsEntry("npm", 16)
                    .containsEntry("curl", 32);
            assertThat(serve.isAlive()).as(serve.stderr()).isTrue();

            Map<String, Long> contentGets = hub.requests("GET").stream()
                    .filter(s -> s.server().equals("cdn") || s.path().contains("/resolve/"))
                    .collect(Collectors.groupingBy(s -> s.path().replaceAll("\\?.*", ""), TreeMap::new,
                            Collectors.counting()));
            assertThat(contentGets).as("upstream GETs of each file").hasSize(6)
                    .allSatisfy((path, count) -> assertThat(count).as(path).isEqualTo(1L));

            long peakKib = peakRssKib(serve.pid());
            String hits = hitPath(url);
            System.out.printf("ServeUnderLoadIT: %d clients %s; serve peak RSS %d MiB (-Xmx64m); %s%n", CLIENTS,
                    kinds, peakKib >> 10, hits);
            assertThat(peakKib).as("peak RSS of serve in KiB").isLessThan(MAX_PEAK_RSS_KIB);
            assertThat(serve.isAlive()).as(serve.stderr()).isTrue();
        }
    }

    private String ourCli(int n, String url, String repo) throws IOException {
        Path store = work.resolve("cli-" + n);
        ChildJvm.Exit exit = ChildJvm.cli(work.resolve("cli-" + n + "-run"), "pull", "hf://" + repo, "--store",
                store.toString(), "--endpoint", url).jvmOption("-XX:TieredStopAtLevel=1")
                .run(Duration.ofMinutes(3));
        assertThat(exit.code()).as(exit.describe()).isZero();
        assertFiles(RepoFolder.model(store, repo).snapshot(commits.get(repo)), repo);
        return "cli";
    }

    private String npmClient(int n, String url, String repo) throws IOException {
        Path snapshot = npm.snapshotDownload(work, url, repo, work.resolve("npm-" + n));
        assertThat(snapshot.getFileName().toString()).isEqualTo(commits.get(repo));
        assertFiles(snapshot, repo);
        return "npm";
    }

    private String curl(int n, String url, String repo) throws IOException {
        Path file = work.resolve("curl-" + n + ".bin");
        ChildJvm.Exit exit = ChildJvm.program(work, "curl", "-sS", "-f", "-L", "--max-time", "180", "-o",
                file.toString(), url + "/" + repo + "/resolve/main/" + weightPaths.get(repo)).run(Duration.ofMinutes(4));
        assertThat(exit.code()).as(exit.describe()).isZero();
        assertThat(RepoFolder.sha256(file)).as("curl %s", repo).isEqualTo(weights.get(repo).sha256());
        return "curl";
    }

    private void assertFiles(Path snapshot, String repo) throws IOException {
        assertThat(Files.readString(snapshot.resolve("config.json"))).isEqualTo("{\"repo\": \"" + repo + "\"}");
        assertThat(RepoFolder.sha256(snapshot.resolve(weightPaths.get(repo)))).as("%s in %s", repo, snapshot)
                .isEqualTo(weights.get(repo).sha256());
    }

    /** Sends a GET, reads {@code keep} bytes of the answer (none: hangs up while the server still waits), closes. */
    private static Void hangUp(String base, String path, int keep) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), URI.create(base).getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            if (keep == 0) {
                Thread.sleep(300);
            } else {
                in.readNBytes(keep);
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        return null;
    }

    /** A short look at the hit path: 16 threads GET a hit for 3 s; requests/s and p99. Printed, never asserted. */
    private String hitPath(String url) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/org/b/resolve/main/config.json")).build();
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<?>> loops = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
            loops.add(pool.submit(() -> {
                while (System.nanoTime() < end) {
                    long start = System.nanoTime();
                    HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
                    assertThat(response.statusCode()).isEqualTo(200);
                    latencies.add(System.nanoTime() - start);
                }
                return null;
            }));
        }
        for (Future<?> loop : loops) {
            loop.get(1, TimeUnit.MINUTES);
        }
        pool.shutdown();
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        long p99 = sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * 0.99) - 1));
        return String.format("hit path (config.json, 16 threads, 3 s, under the test's own load): %.0f requests/s, "
                + "p99 %.1f ms", sorted.size() / 3.0, p99 / 1e6);
    }

    /** VmHWM of a Linux process: its peak resident set, in KiB. */
    private static long peakRssKib(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no VmHWM in /proc/" + pid + "/status");
    }

    private static String awaitUrl(ChildJvm serve) {
        Poll.until(Duration.ofSeconds(30), "serve prints its URL", () -> FIRST_LINE.matcher(serve.stdout()).find()
                || !serve.isAlive(), serve::stderr);
        Matcher matcher = FIRST_LINE.matcher(serve.stdout());
        assertThat(matcher.find()).as(serve.stderr()).isTrue();
        return matcher.group(1);
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
