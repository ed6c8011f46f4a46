package dev.modelredirect.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelredirect.it.apps.SpringAiEmbedProbe;
import dev.modelredirect.testing.Content;
import dev.modelredirect.testing.FakeHub;
import dev.modelredirect.testing.FakeHub.FaultKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The spring-ai hook: Spring AI 1.1.2's {@code TransformersEmbeddingModel} (DJL 0.32, ONNX Runtime 1.20) with the
 * real all-MiniLM-L6-v2 bytes. Its model and tokenizer resources, named by Hub URLs ({@code resolve/} and {@code raw/}
 * forms) or by Spring AI's own default GitHub URLs (through a URL-source mirror), are the store's files: one verified
 * copy downloaded once, nothing in Spring AI's temporary cache, no request on a second start, none at all offline, and
 * a first start killed mid-download leaves nothing that a later start would use.
 */
class SpringAiHookIT {
    private static final Duration TIMEOUT = Duration.ofMinutes(4);
    private static final String REPO = Libraries.MINILM_REPO;
    private static final String MODEL_URL = "https://huggingface.co/" + REPO + "/resolve/main/onnx/model.onnx";
    private static final String TOKENIZER_URL = "https://huggingface.co/" + REPO + "/raw/main/tokenizer.json";
    private static final String DEFAULTS = "https://github.com/spring-projects/spring-ai/raw/main/models/"
            + "spring-ai-transformers/src/main/resources/onnx/all-MiniLM-L6-v2/";
    private static final String DEFAULT_TOKENIZER = "https://raw.githubusercontent.com/spring-projects/spring-ai/main/"
            + "models/spring-ai-transformers/src/main/resources/onnx/all-MiniLM-L6-v2/";
    private static final String TEXT = "The store keeps one copy of every model.";

    private static Content model;
    private static Content tokenizer;
    /** The embedding Spring AI computes without the agent from the same bytes on disk. */
    private static String reference;

    private final AtomicBoolean slow = new AtomicBoolean(false);
    private FakeHub hub;
    private String commit;
    private Path work;
    private Path store;

    @BeforeAll
    static void computeTheEmbeddingWithoutTheAgent() throws IOException {
        model = Libraries.miniLmModelContent();
        tokenizer = Libraries.miniLmTokenizerContent();
        Path folder = Scratch.fresh("spring-ai-hook/reference");
        reference = Libraries.referenceEmbedding(springAi(folder, Libraries.miniLmModel().toUri().toString(),
                Libraries.miniLmTokenizer().toUri().toString()));
    }

    @BeforeEach
    void serveTheModelRepository(TestInfo test) throws IOException {
        hub = new FakeHub();
        commit = Libraries.serveMiniLm(hub);
        hub.fault(seen -> slow.get() && seen.server().equals("cdn") && seen.method().equals("GET"),
                Integer.MAX_VALUE, FaultKind.SLOW, 0, null, 64 * 1024);
        work = Scratch.fresh("spring-ai-hook/" + test.getTestMethod().orElseThrow().getName());
        store = work.resolve("store");
    }

    @AfterEach
    void stopTheHub() {
        hub.close();
    }

    private static ChildJvm.Builder springAi(Path folder, String modelUri, String tokenizerUri) {
        return Djl.withDefaults(ChildJvm.app(folder, SpringAiEmbedProbe.class.getName(), modelUri, tokenizerUri, TEXT)
                .classpath(Libraries.springAi()), folder)
                .jvmOption("-Djava.io.tmpdir=" + tempDir(folder));
    }

    private ChildJvm.Builder withAgent(String modelUri, String tokenizerUri, String extra) {
        // one connection per file: the byte counts below then say "each file once" exactly (parallel ranges and
        // work stealing, whose in-flight bytes vary with load, are the downloader's tests)
        return springAi(work, modelUri, tokenizerUri).agent("store=" + store + ",endpoint=" + hub.endpoint()
                + ",engines=false,connections=1" + (extra.isEmpty() ? "" : "," + extra));
    }

    private static Path tempDir(Path folder) {
        try {
            return Files.createDirectories(folder.resolve("tmp"));
        } catch (IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
    }

    /** The regular files in Spring AI's resource cache, {@code java.io.tmpdir/spring-ai-onnx-generative}. */
    private static List<Path> springAiCache(Path folder) throws IOException {
        Path cache = tempDir(folder).resolve("spring-ai-onnx-generative");
        if (!Files.isDirectory(cache)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(cache)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    private static ChildJvm.Exit succeeded(ChildJvm.Exit exit) {
        assertThat(exit.code()).as(exit.describe()).isZero();
        return exit;
    }

    @Test
    void hubResolveAndRawUrlsAreDownloadedOnceIntoTheStoreAndThenServedWithoutAnyRequest() throws IOException {
        ChildJvm.Exit first = succeeded(withAgent(MODEL_URL, TOKENIZER_URL, "").run(TIMEOUT));

        assertThat(ProbeOutput.value(first.stdout(), "embedding")).as("embedding from the store's files")
                .isEqualTo(reference);
        RepoFolder repo = RepoFolder.model(store, REPO);
        assertThat(RepoFolder.sha256(repo.snapshotFile(commit, "onnx/model.onnx"))).isEqualTo(model.sha256());
        assertThat(RepoFolder.sha256(repo.snapshotFile(commit, "tokenizer.json"))).isEqualTo(tokenizer.sha256());
        assertThat(first.stderr()).contains("model-redirect: " + MODEL_URL + " -> hub/models--sentence-transformers"
                + "--all-MiniLM-L6-v2/snapshots/" + commit + "/onnx/model.onnx (downloaded")
                .contains("model-redirect: " + TOKENIZER_URL + " -> ").contains("hooks=")
                .contains("spring-ai");
        assertThat(CdnTraffic.bytesRequested(hub, model.size())).as("bytes of the model asked for")
                .isEqualTo(model.size());
        assertThat(hub.requests("GET")).as("GETs of the tokenizer")
                .filteredOn(seen -> seen.path().endsWith("/tokenizer.json")).hasSize(1);
        assertThat(springAiCache(work)).as("files in Spring AI's temporary cache").isEmpty();
        assertThat(Files.readString(store.resolve("models.lock"))).contains(MODEL_URL).contains(TOKENIZER_URL);
        hub.clearRequests();

        ChildJvm.Exit second = succeeded(withAgent(MODEL_URL, TOKENIZER_URL, "").run(TIMEOUT));
        assertThat(hub.requests()).as("requests of the second start").isEmpty();
        assertThat(second.stderr()).contains("onnx/model.onnx (hit)").contains("tokenizer.json (hit)");
        assertThat(ProbeOutput.value(second.stdout(), "embedding")).isEqualTo(reference);

        ChildJvm.Builder offline = withAgent(MODEL_URL, TOKENIZER_URL, "offline=true");
        if (Netns.available(work)) {
            offline.under(Netns.EMPTY);
        }
        ChildJvm.Exit third = succeeded(offline.run(TIMEOUT));
        assertThat(ProbeOutput.value(third.stdout(), "embedding")).as("offline").isEqualTo(reference);
        assertThat(hub.requests()).isEmpty();
        assertThat(springAiCache(work)).isEmpty();
    }

    @Test
    void withoutTheAgentSpringAiCopiesTheModelIntoItsTemporaryCacheFromTheNetwork() throws IOException {
        String direct = hub.endpoint() + "/" + REPO + "/resolve/main/onnx/model.onnx";
        String directTokenizer = hub.endpoint() + "/" + REPO + "/resolve/main/tokenizer.json";

        ChildJvm.Exit alone = succeeded(springAi(work, direct, directTokenizer).run(TIMEOUT));

        assertThat(ProbeOutput.value(alone.stdout(), "embedding")).isEqualTo(reference);
        assertThat(springAiCache(work)).as("Spring AI's own unverified copies").hasSize(2);
        assertThat(Files.exists(store)).isFalse();
    }

    @Test
    void aFirstStartKilledMidDownloadPoisonsNothingAndTheNextStartCompletesIt() throws IOException {
        slow.set(true);
        RepoFolder repo = RepoFolder.model(store, REPO);
        try (ChildJvm first = withAgent(MODEL_URL, TOKENIZER_URL, "").start()) {
            Poll.until(Duration.ofSeconds(120), "the model download has started",
                    () -> !first.isAlive() || !repo.partialFiles().isEmpty(), () -> "stderr: " + first.stderr());
            assertThat(first.isAlive()).as("still downloading when killed; stderr:\n%s", first.stderr()).isTrue();
            first.kill();
        }
        assertThat(RepoFolder.present(repo.snapshotFile(commit, "onnx/model.onnx"))).as("a model under its final "
                + "name").isFalse();
        assertThat(RepoFolder.present(repo.blob(model.sha256()))).isFalse();
        assertThat(springAiCache(work)).as("files in Spring AI's temporary cache").isEmpty();
        slow.set(false);

        ChildJvm.Exit second = succeeded(withAgent(MODEL_URL, TOKENIZER_URL, "").run(TIMEOUT));

        assertThat(ProbeOutput.value(second.stdout(), "embedding")).isEqualTo(reference);
        assertThat(RepoFolder.sha256(repo.snapshotFile(commit, "onnx/model.onnx"))).isEqualTo(model.sha256());
        assertThat(repo.partialFiles()).as("temporary files left").isEmpty();
        assertThat(springAiCache(work)).isEmpty();
    }

    @Test
    void springAisDefaultGithubUrlsComeThroughAUrlMirrorAndKeepTheirOwnNamesInTheStore() throws IOException {
        List<String> asked = new CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicLong served = new java.util.concurrent.atomic.AtomicLong();
        try (MockWebServer mirror = new MockWebServer()) {
            mirror.setDispatcher(new Dispatcher() {
                @Override
                public MockResponse dispatch(RecordedRequest request) {
                    String path = request.getUrl().encodedPath();
                    asked.add(request.getMethod() + " " + path);
                    Content body = path.equals("/github/model.onnx") ? model
                            : path.equals("/raw/tokenizer.json") ? tokenizer : null;
                    if (body == null) {
                        return new MockResponse.Builder().code(404).build();
                    }
                    MockResponse.Builder response = new MockResponse.Builder().code(200)
                            .setHeader("ETag", "\"" + body.sha256() + "\"").setHeader("Accept-Ranges", "bytes");
                    if (request.getMethod().equals("HEAD")) {
                        return response.setHeader("Content-Length", body.size()).build();
                    }
                    long from = 0;
                    long to = body.size();
                    String range = request.getHeaders().get("Range");
                    if (range != null && range.matches("bytes=\\d+-\\d*")) {
                        String[] bounds = range.substring(6).split("-", -1);
                        from = Long.parseLong(bounds[0]);
                        to = bounds[1].isEmpty() ? to : Math.min(to, Long.parseLong(bounds[1]) + 1);
                        response.code(206).setHeader("Content-Range", "bytes " + from + "-" + (to - 1) + "/"
                                + body.size());
                    }
                    served.addAndGet(to - from);
                    byte[] slice = java.util.Arrays.copyOfRange(body.bytes(), (int) from, (int) to);
                    return response.body(new Buffer().write(slice)).build();
                }
            });
            mirror.start();
            String base = "http://127.0.0.1:" + mirror.getPort();
            String mirrors = "mirrors=" + DEFAULTS + "=>" + base + "/github/;" + DEFAULT_TOKENIZER + "=>" + base
                    + "/raw/";

            ChildJvm.Exit first = succeeded(withAgent("default", "default", mirrors).run(TIMEOUT));

            assertThat(ProbeOutput.value(first.stdout(), "embedding")).isEqualTo(reference);
            Path storedModel = store.resolve("url/github.com/spring-projects/spring-ai/raw/main/models/"
                    + "spring-ai-transformers/src/main/resources/onnx/all-MiniLM-L6-v2/model.onnx");
            assertThat(RepoFolder.sha256(storedModel)).isEqualTo(model.sha256());
            assertThat(RepoFolder.sha256(store.resolve("url/raw.githubusercontent.com/spring-projects/spring-ai/"
                    + "main/models/spring-ai-transformers/src/main/resources/onnx/all-MiniLM-L6-v2/tokenizer.json")))
                    .isEqualTo(tokenizer.sha256());
            String lock = Files.readString(store.resolve("models.lock"));
            assertThat(lock).contains(DEFAULTS + "model.onnx").contains(DEFAULT_TOKENIZER + "tokenizer.json")
                    .doesNotContain(base);
            assertThat(asked).filteredOn(line -> line.startsWith("GET ")).containsOnly(
                    "GET /github/model.onnx", "GET /raw/tokenizer.json");
            assertThat(served.get()).as("bytes the mirror sent: each file once")
                    .isEqualTo(model.size() + tokenizer.size());
            assertThat(springAiCache(work)).isEmpty();
            asked.clear();

            ChildJvm.Exit second = succeeded(withAgent("default", "default", mirrors).run(TIMEOUT));
            assertThat(asked).as("requests to the mirror on the second start").isEmpty();
            assertThat(ProbeOutput.value(second.stdout(), "embedding")).isEqualTo(reference);
            assertThat(second.stderr()).contains(DEFAULTS + "model.onnx -> url/github.com/");
        }
    }
}
